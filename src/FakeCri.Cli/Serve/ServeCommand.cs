using System.CommandLine;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace FakeCri.Cli.Serve;

/// <summary><c>fakecri serve</c>: runs the fake on unix sockets and/or TCP ports until SIGINT or SIGTERM.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var listen = new Option<string[]>("--listen", "-l")
        {
            Description = "Endpoint to serve: unix:///path/to.sock or tcp://127.0.0.1:port (port 0 picks one). "
                + "Repeatable. Default: unix:///run/fakecri/fakecri.sock when writable, else under "
                + "$XDG_RUNTIME_DIR or the temp directory. Env: FAKECRI_LISTEN (comma-separated).",
            AllowMultipleArgumentsPerToken = false,
        };
        var config = new Option<string>("--config", "-c")
        {
            Description = "JSON or YAML file with settings (listen, logLevel, cgroupDriver, runtimeHandlers). "
                + "Flags override environment variables, which override the file. Env: FAKECRI_CONFIG.",
        };
        var logLevel = new Option<string>("--log-level")
        {
            Description = "trace, debug, info, warn, error, critical or none (default info). Env: FAKECRI_LOG_LEVEL.",
        };
        var cgroupDriver = new Option<string>("--cgroup-driver")
        {
            Description = "Cgroup driver reported by RuntimeConfig: systemd (default) or cgroupfs. "
                + "Env: FAKECRI_CGROUP_DRIVER.",
        };
        var handlers = new Option<string[]>("--runtime-handler")
        {
            Description = "Named runtime handler besides the default \"\" (default: runc). Repeatable. "
                + "Env: FAKECRI_RUNTIME_HANDLERS (comma-separated).",
        };

        var seed = new Option<string>("--seed")
        {
            Description = "Seed for sandbox and container IDs: same seed, same calls, same IDs (default 0). Env: FAKECRI_SEED.",
        };
        var podCidr = new Option<string>("--pod-cidr")
        {
            Description = "IPv4 range pod IPs come from (default 127.88.0.0/16, loopback). Env: FAKECRI_POD_CIDR.",
        };
        var strictImages = new Option<bool?>("--strict-images")
        {
            Description = "Fail pulls of references the image catalog does not know, as a registry's not-found does "
                + "(default: any well-formed reference pulls). Env: FAKECRI_STRICT_IMAGES.",
        };
        var sandboxImage = new Option<string>("--sandbox-image")
        {
            Description = "The pause image RunPodSandbox makes present (default registry.k8s.io/pause:3.10.2). "
                + "Env: FAKECRI_SANDBOX_IMAGE.",
        };

        var behaviors = new Option<string>("--behaviors")
        {
            Description = "YAML or JSON file of declared container behaviours (apiVersion: fakecri.io/v1alpha1, "
                + "kind: ContainerBehaviors). Env: FAKECRI_BEHAVIORS.",
        };

        var scenario = new Option<string>("--scenario")
        {
            Description = "YAML or JSON scenario file (kind: Scenario): catalog and local images, behaviours, faults, "
                + "conditions and pods present at start. Env: FAKECRI_SCENARIO.",
        };
        var virtualClock = new Option<bool?>("--virtual-clock")
        {
            Description = "Run on a virtual clock that moves only with `fakecri clock advance` (sleeps, grace periods, "
                + "timeouts and declared exits wait for it). Env: FAKECRI_VIRTUAL_CLOCK.",
        };

        var podNetwork = new Option<bool?>("--pod-network")
        {
            Description = "Serve emulated pod networking on loopback: nginx/httpd containers answer HTTP on their pod IP "
                + "and mapped host ports while running (default true; false turns it off). Env: FAKECRI_POD_NETWORK.",
        };

        var streamingAddress = new Option<string>("--streaming-address")
        {
            Description = "Address of the streaming server that Exec/Attach/PortForward URLs point at (default 127.0.0.1, "
                + "as containerd). Env: FAKECRI_STREAMING_ADDRESS.",
        };
        var streamingPort = new Option<string>("--streaming-port")
        {
            Description = "Its port (default 0: a free one, picked at first use). Env: FAKECRI_STREAMING_PORT.",
        };

        var command = new Command("serve", "Serve the CRI RuntimeService and ImageService (and fakecri's control API) until stopped.")
        {
            listen, config, logLevel, cgroupDriver, handlers, seed, podCidr, strictImages, sandboxImage, behaviors, scenario, virtualClock, podNetwork,
            streamingAddress, streamingPort,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var flags = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            AddFlag(flags, ServeKeys.Listen, parse.GetValue(listen));
            AddFlag(flags, ServeKeys.LogLevel, parse.GetValue(logLevel));
            AddFlag(flags, ServeKeys.CgroupDriver, parse.GetValue(cgroupDriver));
            AddFlag(flags, ServeKeys.RuntimeHandlers, parse.GetValue(handlers));
            AddFlag(flags, ServeKeys.Seed, parse.GetValue(seed));
            AddFlag(flags, ServeKeys.PodCidr, parse.GetValue(podCidr));
            AddFlag(flags, ServeKeys.StrictImages, parse.GetValue(strictImages)?.ToString());
            AddFlag(flags, ServeKeys.SandboxImage, parse.GetValue(sandboxImage));
            AddFlag(flags, ServeKeys.Behaviors, parse.GetValue(behaviors));
            AddFlag(flags, ServeKeys.Scenario, parse.GetValue(scenario));
            AddFlag(flags, ServeKeys.VirtualClock, parse.GetValue(virtualClock)?.ToString());
            AddFlag(flags, ServeKeys.PodNetwork, parse.GetValue(podNetwork)?.ToString());
            AddFlag(flags, ServeKeys.StreamingAddress, parse.GetValue(streamingAddress));
            AddFlag(flags, ServeKeys.StreamingPort, parse.GetValue(streamingPort));
            return RunAsync(parse.GetValue(config), flags, cancellationToken);
        });
        return command;
    }

    private static void AddFlag(Dictionary<string, string?> flags, string key, string? value)
    {
        if (value is not null)
        {
            flags[key] = value;
        }
    }

    private static void AddFlag(Dictionary<string, string?> flags, string key, string[]? values)
    {
        if (values is { Length: > 0 })
        {
            flags[key] = string.Join(',', values);
        }
    }

    private static async Task<int> RunAsync(
        string? configFile,
        IReadOnlyDictionary<string, string?> flags,
        CancellationToken cancellationToken)
    {
        var environment = Environment.GetEnvironmentVariables();
        ServeSettings settings;
        try
        {
            var configuration = ServeConfiguration.Build(configFile, environment, flags);
            settings = ServeSettings.Resolve(
                configuration,
                () => DefaultEndpoint.Resolve(environment),
                configFile ?? environment[ServeKeys.ConfigEnvironmentVariable] as string);
        }
        catch (SettingsException exception)
        {
            await Console.Error.WriteLineAsync($"fakecri: {exception.Message}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        using var loggerFactory = LoggerFactory.Create(logging => logging
            .SetMinimumLevel(settings.LogLevel)
            .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace)
            .AddSimpleConsole(format =>
            {
                format.SingleLine = true;
                format.TimestampFormat = "HH:mm:ss.fff ";
                format.ColorBehavior = LoggerColorBehavior.Disabled;
            })
            // Per-request framework chatter drowns the fake's own messages; --log-level trace still shows it.
            .AddFilter("Microsoft.AspNetCore", settings.LogLevel <= LogLevel.Debug ? settings.LogLevel : LogLevel.Warning)
            .AddFilter("Microsoft.Hosting", settings.LogLevel <= LogLevel.Debug ? settings.LogLevel : LogLevel.Warning)
            .AddFilter("Grpc", settings.LogLevel <= LogLevel.Debug ? settings.LogLevel : LogLevel.Warning));
        var logger = loggerFactory.CreateLogger("FakeCri.Cli");

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

        FakeCriServer server;
        try
        {
            server = await FakeCriServer.StartAsync(settings.ToOptions(loggerFactory), stop.Token).ConfigureAwait(false);
        }
        catch (FakeCriStartupException exception)
        {
            await Console.Error.WriteLineAsync($"fakecri: {exception.Message}").ConfigureAwait(false);
            return ExitCodes.EndpointUnavailable;
        }
        catch (OperationCanceledException)
        {
            return ExitCodes.Success;
        }

        await using (server.ConfigureAwait(false))
        {
            StartupBanner.Write(Console.Out, server.Endpoints);
            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                CliLog.ShuttingDown(logger);
            }
        }

        return ExitCodes.Success;

        void Stop(PosixSignalContext context)
        {
            // Cancel the default (immediate termination): the server stops gracefully and removes its sockets.
            context.Cancel = true;
            stop.Cancel();
        }
    }
}

using System.CommandLine;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using FakeCri.Cli.Control;
using FakeCri.Cli.Serve;
using FakeCri.Cri.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace FakeCri.Cli.Bench;

/// <summary>
/// <c>fakecri bench</c>: a CRI load generator for any runtime endpoint (FakeCri, containerd, CRI-O): pod and
/// container lifecycles from parallel clients, then latency percentiles per call and lifecycles per second.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var endpoint = new Option<string>("--endpoint", "-e")
        {
            Description = "The CRI runtime to load: unix:///path.sock or tcp://127.0.0.1:port. Env: FAKECRI_ENDPOINT. "
                + "Default: where `fakecri serve` listens by default.",
        };
        var inProcess = new Option<bool>("--in-process")
        {
            Description = "Start a fake in this process and call it through its direct invoker (no sockets) for quick numbers.",
        };
        var pods = new Option<int>("--pods", "-n")
        {
            Description = "Measured pod lifecycles: RunPodSandbox, PodSandboxStatus, StopPodSandbox, RemovePodSandbox.",
            DefaultValueFactory = _ => 1000,
        };
        var containers = new Option<int>("--containers")
        {
            Description = "Measured container lifecycles: CreateContainer, StartContainer, ContainerStatus, StopContainer, "
                + "RemoveContainer (each client in a sandbox of its own).",
            DefaultValueFactory = _ => 1000,
        };
        var parallel = new Option<int>("--parallel", "-p")
        {
            Description = "Parallel clients, each with its own connection, running whole lifecycles.",
            DefaultValueFactory = _ => 1,
        };
        var warmup = new Option<int>("--warmup", "-w")
        {
            Description = "Unmeasured lifecycles of each kind run first.",
            DefaultValueFactory = _ => 50,
        };
        var image = new Option<string>("--image")
        {
            Description = "The containers' image, pulled first; it must have `top` (the containers run it).",
            DefaultValueFactory = _ => "busybox",
        };
        var stopTimeout = new Option<long>("--stop-timeout")
        {
            Description = "StopContainer's grace period in seconds (top ends on SIGTERM, so stops return at once).",
            DefaultValueFactory = _ => 10,
        };
        var json = new Option<bool>("--json") { Description = "Print the result as one JSON object (times in µs)." };

        var command = new Command("bench", "Load a CRI runtime with pod and container lifecycles; print p50/p90/p99 per call and lifecycles/s.")
        {
            endpoint, inProcess, pods, containers, parallel, warmup, image, stopTimeout, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var endpointText = parse.GetValue(endpoint);
            var settings = new BenchSettings(
                null, parse.GetValue(inProcess), parse.GetValue(pods), parse.GetValue(containers), parse.GetValue(parallel),
                parse.GetValue(warmup), parse.GetValue(image)!, parse.GetValue(stopTimeout), parse.GetValue(json));
            if (Validate(settings, endpointText) is { } problem)
            {
                return await Usage(problem).ConfigureAwait(false);
            }

            if (!settings.InProcess)
            {
                endpointText ??= Environment.GetEnvironmentVariable(ControlConnection.EndpointVariable);
                FakeCriEndpoint? target;
                if (string.IsNullOrWhiteSpace(endpointText))
                {
                    target = DefaultEndpoint.Resolve(Environment.GetEnvironmentVariables());
                }
                else if (!FakeCriEndpoint.TryParse(endpointText, out target, out var error))
                {
                    return await Usage($"--endpoint: {error}").ConfigureAwait(false);
                }

                settings = settings with { Endpoint = target };
            }

            return await RunAsync(settings, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static string? Validate(BenchSettings settings, string? endpointText) =>
        settings switch
        {
            { InProcess: true } when endpointText is not null => "--in-process and --endpoint exclude each other",
            { Pods: < 0 } => "--pods must not be negative",
            { Containers: < 0 } => "--containers must not be negative",
            { Pods: 0, Containers: 0 } => "nothing to measure: --pods and --containers are both 0",
            { Parallel: < 1 } => "--parallel must be at least 1",
            { Warmup: < 0 } => "--warmup must not be negative",
            { StopTimeout: < 0 } => "--stop-timeout must not be negative",
            _ when string.IsNullOrWhiteSpace(settings.Image) => "--image must not be empty",
            _ => null,
        };

    private static async Task<int> RunAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        // fakecri turns off the parser's signal handling (see Program.cs): an interrupted run still removes its sandboxes.
        using var interrupt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        void Interrupt(PosixSignalContext context)
        {
            context.Cancel = true;
            interrupt.Cancel();
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupt);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupt);
        cancellationToken = interrupt.Token;
        FakeCriServer? fake = null;
        var channels = new List<GrpcChannel>();
        try
        {
            List<RuntimeService.RuntimeServiceClient> clients = [];
            ImageService.ImageServiceClient images;
            if (settings.InProcess)
            {
                fake = await FakeCriServer.StartInProcessAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                clients.AddRange(Enumerable.Range(0, settings.Parallel).Select(_ => new RuntimeService.RuntimeServiceClient(fake.DirectCallInvoker)));
                images = new ImageService.ImageServiceClient(fake.DirectCallInvoker);
            }
            else
            {
                // A connection per client, as separate kubelets (or test processes) would have.
                channels.AddRange(Enumerable.Range(0, settings.Parallel).Select(_ => FakeCriChannel.ForEndpoint(settings.Endpoint!)));
                clients.AddRange(channels.Select(channel => new RuntimeService.RuntimeServiceClient(channel)));
                images = new ImageService.ImageServiceClient(channels[0]);
            }

            var result = await new BenchRunner(clients, images, settings).RunAsync(cancellationToken).ConfigureAwait(false);
            Console.Out.Write(settings.Json ? BenchReport.Json(result) : BenchReport.Table(result));
            return ExitCodes.Success;
        }
        catch (RpcException error) when (error.StatusCode == StatusCode.Unavailable && error.Status.DebugException is HttpRequestException or SocketException)
        {
            await Console.Error.WriteLineAsync($"fakecri: no CRI runtime answers at {settings.Target}: {error.Status.DebugException.Message}").ConfigureAwait(false);
            return ExitCodes.EndpointUnavailable;
        }
        catch (RpcException error)
        {
            await Console.Error.WriteLineAsync($"fakecri: bench: {error.StatusCode}: {error.Status.Detail}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("fakecri: bench: interrupted").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
        finally
        {
            foreach (var channel in channels)
            {
                channel.Dispose();
            }

            if (fake is not null)
            {
                await fake.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static async Task<int> Usage(string message)
    {
        await Console.Error.WriteLineAsync($"fakecri: {message}").ConfigureAwait(false);
        return ExitCodes.Usage;
    }
}

using FakeCri.Cri.V1;
using FakeCri.Tests.Infrastructure;

namespace FakeCri.Tests.Cli;

/// <summary><c>fakecri serve</c> as a real process on real sockets, stopped by real signals.</summary>
public sealed class ServeProcessTests
{
    private const int SigInt = 2;
    private const int SigTerm = 15;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(SigTerm)]
    [InlineData(SigInt)]
    public async Task Serve_Signal_AnswersThenExitsZeroAndRemovesSocket(int signal)
    {
        var socket = TempSocket.NewPath();
        await using var fakecri = FakeCriProcess.Start(["serve", "--listen", "unix://" + socket]);
        var endpoints = await fakecri.WaitUntilListeningAsync(Cancel);
        Assert.Equal([FakeCriEndpoint.Unix(socket)], endpoints);

        using (var channel = FakeCriChannel.ForEndpoint(endpoints[0]))
        {
            var client = new RuntimeService.RuntimeServiceClient(channel);
            var version = await client.VersionAsync(new VersionRequest(), cancellationToken: Cancel);
            var status = await client.StatusAsync(new StatusRequest(), cancellationToken: Cancel);
            Assert.Equal("fakecri", version.RuntimeName);
            Assert.All(status.Status.Conditions, c => Assert.True(c.Status));
        }

        fakecri.SendSignal(signal);

        Assert.Equal(0, await fakecri.WaitForExitAsync(Cancel));
        Assert.False(File.Exists(socket), "the socket file should be removed on shutdown");
    }

    [Fact]
    public async Task Serve_Banner_PrintsCrictlAndKubeletFlags()
    {
        var socket = TempSocket.NewPath();
        await using var fakecri = FakeCriProcess.Start(["serve", "--listen", "unix://" + socket]);
        await fakecri.WaitUntilListeningAsync(Cancel);
        fakecri.SendSignal();
        await fakecri.WaitForExitAsync(Cancel);

        Assert.Contains($"crictl --runtime-endpoint unix://{socket} --image-endpoint unix://{socket}", fakecri.Stdout);
        Assert.Contains($"--container-runtime-endpoint=unix://{socket}", fakecri.Stdout);
    }

    [Fact]
    public async Task Serve_RegularFileAtSocketPath_ExitsThreeAndLeavesFileUntouched()
    {
        var socket = TempSocket.NewPath();
        await File.WriteAllTextAsync(socket, "precious data", Cancel);
        await using var fakecri = FakeCriProcess.Start(["serve", "--listen", "unix://" + socket]);

        var exitCode = await fakecri.WaitForExitAsync(Cancel);

        Assert.Equal(3, exitCode);
        Assert.Contains($"{socket} exists and is not a unix socket", fakecri.Stderr);
        Assert.Equal("precious data", await File.ReadAllTextAsync(socket, Cancel));
    }

    [Fact]
    public async Task Serve_LiveServerOnSocketPath_ExitsThreeAndLiveServerKeepsServing()
    {
        var socket = TempSocket.NewPath();
        await using var live = await FakeCriServer.StartAsync(FakeCriOptions.Default.WithListen(FakeCriEndpoint.Unix(socket)), Cancel);
        await using var fakecri = FakeCriProcess.Start(["serve", "--listen", "unix://" + socket]);

        var exitCode = await fakecri.WaitForExitAsync(Cancel);

        Assert.Equal(3, exitCode);
        Assert.Contains("already listening", fakecri.Stderr);
        var version = await live.RuntimeClient.VersionAsync(new VersionRequest(), cancellationToken: Cancel);
        Assert.Equal("fakecri", version.RuntimeName);
    }

    [Fact]
    public async Task Serve_FlagEnvironmentAndFile_FlagBeatsEnvironmentBeatsFileBeatsDefault()
    {
        var directory = TempSocket.NewDirectory();
        var (fromFile, fromEnvironment, fromFlag) = (
            Path.Combine(directory, "file.sock"), Path.Combine(directory, "env.sock"), Path.Combine(directory, "flag.sock"));
        var config = Path.Combine(directory, "fakecri.json");
        await File.WriteAllTextAsync(config, $$"""
            {
              "listen": ["unix://{{fromFile}}"],
              "cgroupDriver": "cgroupfs",
              "runtimeHandlers": ["kata"],
              "logLevel": "warn"
            }
            """, Cancel);

        await using var fakecri = FakeCriProcess.Start(
            ["serve", "--config", config, "--listen", "unix://" + fromFlag],
            new Dictionary<string, string?>
            {
                ["FAKECRI_LISTEN"] = "unix://" + fromEnvironment,
                ["FAKECRI_CGROUP_DRIVER"] = "systemd",
            });
        var endpoints = await fakecri.WaitUntilListeningAsync(Cancel);

        Assert.Equal([FakeCriEndpoint.Unix(fromFlag)], endpoints); // flag beats environment and file
        using var channel = FakeCriChannel.ForEndpoint(endpoints[0]);
        var client = new RuntimeService.RuntimeServiceClient(channel);
        var config1 = await client.RuntimeConfigAsync(new RuntimeConfigRequest(), cancellationToken: Cancel);
        Assert.Equal(CgroupDriver.Systemd, config1.Linux.CgroupDriver); // environment beats file
        var status = await client.StatusAsync(new StatusRequest(), cancellationToken: Cancel);
        Assert.Equal(["", "kata"], status.RuntimeHandlers.Select(h => h.Name)); // file beats default
        Assert.False(File.Exists(fromFile));
        Assert.False(File.Exists(fromEnvironment));
        fakecri.SendSignal();
        Assert.Equal(0, await fakecri.WaitForExitAsync(Cancel));
    }

    [Fact]
    public async Task Serve_YamlConfigFile_IsRead()
    {
        var directory = TempSocket.NewDirectory();
        var socket = Path.Combine(directory, "yaml.sock");
        var config = Path.Combine(directory, "fakecri.yaml");
        await File.WriteAllTextAsync(config, $"""
            # fakecri serve settings
            listen:
              - unix://{socket}
              - tcp://127.0.0.1:0
            cgroupDriver: cgroupfs
            """, Cancel);
        await using var fakecri = FakeCriProcess.Start(["serve", "--config", config]);

        var endpoints = await fakecri.WaitUntilListeningAsync(Cancel);

        Assert.Equal(2, endpoints.Count);
        Assert.Equal(FakeCriEndpoint.Unix(socket), endpoints[0]);
        Assert.Equal(FakeCriEndpointKind.Tcp, endpoints[1].Kind);
        using var channel = FakeCriChannel.ForEndpoint(endpoints[1]);
        var config1 = await new RuntimeService.RuntimeServiceClient(channel)
            .RuntimeConfigAsync(new RuntimeConfigRequest(), cancellationToken: Cancel);
        Assert.Equal(CgroupDriver.Cgroupfs, config1.Linux.CgroupDriver);
        fakecri.SendSignal();
        Assert.Equal(0, await fakecri.WaitForExitAsync(Cancel));
    }

    [Fact]
    public async Task Serve_RuntimeFlags_ShapeTheRuntime()
    {
        var socket = TempSocket.NewPath();
        await using var fakecri = FakeCriProcess.Start(
            ["serve", "--listen", "unix://" + socket, "--pod-cidr", "127.66.0.0/24", "--strict-images", "--seed", "7"]);
        var endpoints = await fakecri.WaitUntilListeningAsync(Cancel);
        using var channel = FakeCriChannel.ForEndpoint(endpoints[0]);
        var runtime = new RuntimeService.RuntimeServiceClient(channel);
        var images = new ImageService.ImageServiceClient(channel);

        var pod = await runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = Kubelet.PodConfig("flags") }, cancellationToken: Cancel);
        var status = await runtime.PodSandboxStatusAsync(new PodSandboxStatusRequest { PodSandboxId = pod.PodSandboxId }, cancellationToken: Cancel);
        var pull = images.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = "unknown.example/x:1" } }, cancellationToken: Cancel);

        Assert.StartsWith("127.66.0.", status.Status.Network.Ip);
        await RpcAssert.FailsAsync(Grpc.Core.StatusCode.NotFound, pull);
        fakecri.SendSignal();
        Assert.Equal(0, await fakecri.WaitForExitAsync(Cancel));
    }

    [Fact]
    public async Task Serve_StreamingPort_ExecUrlsPointThere()
    {
        var socket = TempSocket.NewPath();
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }

        await using var fakecri = FakeCriProcess.Start(["serve", "--listen", "unix://" + socket, "--streaming-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        var endpoints = await fakecri.WaitUntilListeningAsync(Cancel);
        using var channel = FakeCriChannel.ForEndpoint(endpoints[0]);
        var runtime = new RuntimeService.RuntimeServiceClient(channel);
        await new ImageService.ImageServiceClient(channel).PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = "busybox" } }, cancellationToken: Cancel);
        var podConfig = Kubelet.PodConfig("exec");
        var pod = (await runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = podConfig }, cancellationToken: Cancel)).PodSandboxId;
        var id = (await runtime.CreateContainerAsync(new CreateContainerRequest { PodSandboxId = pod, Config = Kubelet.ContainerConfig("app", "busybox", 0, "top"), SandboxConfig = podConfig }, cancellationToken: Cancel)).ContainerId;
        await runtime.StartContainerAsync(new StartContainerRequest { ContainerId = id }, cancellationToken: Cancel);

        var url = (await runtime.ExecAsync(new ExecRequest { ContainerId = id, Cmd = { "echo", "-n", "hello" }, Stdout = true }, cancellationToken: Cancel)).Url;
        await using var spdy = await Streaming.Spdy.SpdyTestClient.ConnectAsync(url, ["v4.channel.k8s.io"], Cancel);
        await spdy.OpenAsync("error", Cancel);
        var stdout = await spdy.OpenAsync("stdout", Cancel);

        Assert.StartsWith($"http://127.0.0.1:{port}/exec/", url, StringComparison.Ordinal);
        Assert.Equal("hello", await stdout.ReadToEndAsync(Cancel));
        fakecri.SendSignal();
        Assert.Equal(0, await fakecri.WaitForExitAsync(Cancel));
    }

    [Fact]
    public async Task Serve_BehaviorsFileNamedByConfig_MatchingContainerCrashLoops()
    {
        var directory = TempSocket.NewDirectory();
        var socket = Path.Combine(directory, "b.sock");
        await File.WriteAllTextAsync(Path.Combine(directory, "behaviors.yaml"), """
            apiVersion: fakecri.io/v1alpha1
            kind: ContainerBehaviors
            behaviors:
              - match: { image: busybox, name: flaky }
                exitAfter: 0s
                exitCode: 3
            """, Cancel);
        await File.WriteAllTextAsync(Path.Combine(directory, "fakecri.yaml"), $"""
            listen: unix://{socket}
            behaviors: behaviors.yaml
            """, Cancel);
        await using var fakecri = FakeCriProcess.Start(["serve", "--config", Path.Combine(directory, "fakecri.yaml")]);
        var endpoints = await fakecri.WaitUntilListeningAsync(Cancel);
        using var channel = FakeCriChannel.ForEndpoint(endpoints[0]);
        var runtime = new RuntimeService.RuntimeServiceClient(channel);
        await new ImageService.ImageServiceClient(channel).PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = "busybox" } }, cancellationToken: Cancel);
        var podConfig = Kubelet.PodConfig("crashy");
        var pod = (await runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = podConfig }, cancellationToken: Cancel)).PodSandboxId;

        // kubelet's crash loop: every restart (attempt + 1) is a new container, and each exits 3 at once.
        for (uint attempt = 0; attempt < 3; attempt++)
        {
            var id = (await runtime.CreateContainerAsync(
                new CreateContainerRequest { PodSandboxId = pod, Config = Kubelet.ContainerConfig("flaky", "busybox", attempt), SandboxConfig = podConfig },
                cancellationToken: Cancel)).ContainerId;
            await runtime.StartContainerAsync(new StartContainerRequest { ContainerId = id }, cancellationToken: Cancel);
            var status = (await runtime.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = id }, cancellationToken: Cancel)).Status;
            Assert.Equal((ContainerState.ContainerExited, 3, "Error"), (status.State, status.ExitCode, status.Reason));
        }

        fakecri.SendSignal();
        Assert.Equal(0, await fakecri.WaitForExitAsync(Cancel));
    }

    [Theory]
    [InlineData("--behaviors", "/nonexistent/behaviors.yaml", "behaviours file /nonexistent/behaviors.yaml does not exist")]
    [InlineData("--pod-cidr", "10.0.0.0/31", "podCidr: \"10.0.0.0/31\" is not an IPv4 network")]
    [InlineData("--seed", "many", "seed: \"many\" is not a whole number")]
    [InlineData("--sandbox-image", "Pause", "sandboxImage: invalid reference format")]
    [InlineData("--streaming-address", "localhost", "streamingAddress: \"localhost\" is not an IP address")]
    [InlineData("--streaming-port", "70000", "streamingPort: 70000 is not a TCP port")]
    [InlineData("--log-level", "loud", "logLevel: \"loud\" is not a log level")]
    [InlineData("--cgroup-driver", "upstart", "cgroupDriver: \"upstart\" is not a cgroup driver")]
    [InlineData("--listen", "http://127.0.0.1:80", "unsupported scheme")]
    [InlineData("--config", "/nonexistent/fakecri.json", "does not exist")]
    public async Task Serve_BadSetting_ExitsTwoNamingTheSetting(string flag, string value, string message)
    {
        await using var fakecri = FakeCriProcess.Start(["serve", flag, value]);

        var exitCode = await fakecri.WaitForExitAsync(Cancel);

        Assert.Equal(2, exitCode);
        Assert.Contains(message, fakecri.Stderr);
    }

    [Fact]
    public async Task Serve_BadEnvironmentVariable_ExitsTwoNamingTheSetting()
    {
        await using var fakecri = FakeCriProcess.Start(
            ["serve"], new Dictionary<string, string?> { ["FAKECRI_CGROUP_DRIVER"] = "bogus" });

        Assert.Equal(2, await fakecri.WaitForExitAsync(Cancel));
        Assert.Contains("cgroupDriver: \"bogus\"", fakecri.Stderr);
    }
}

using System.Net;
using FakeCri.Cri.V1;
using FakeCri.Faults;
using FakeCri.Hosting.Internal;
using FakeCri.Journal;
using FakeCri.Runtime;
using FakeCri.Scenarios;
using FakeCri.Scenarios.Internal;
using FakeCri.Streaming.Internal;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FakeCri;

/// <summary>
/// A running fake CRI runtime. One implementation with three doors: in-process (<see cref="StartInProcessAsync"/>,
/// no sockets), and unix sockets and TCP ports (<see cref="StartAsync"/>). Dispose it to stop it; socket files it
/// created are removed.
/// </summary>
/// <example>
/// <code>
/// await using var cri = await FakeCriServer.StartInProcessAsync();
/// var version = await cri.RuntimeClient.VersionAsync(new VersionRequest());
/// </code>
/// </example>
public sealed class FakeCriServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Func<HttpMessageHandler> _createHandler;
    private readonly Uri _address;
    private readonly ILogger _logger;
    private readonly StreamingServer _streaming;

    // Made on first use: a served fake whose clients come over the socket never needs its own channel, and
    // creating one costs start-up time (the channel's code is compiled on the way).
    private readonly Lazy<GrpcChannel> _channel;
    private RuntimeService.RuntimeServiceClient? _runtimeClient;
    private ImageService.ImageServiceClient? _imageClient;
    private int _disposed;

    private FakeCriServer(
        FakeCriOptions options,
        EmulatedRuntime runtime,
        WebApplication app,
        IReadOnlyList<FakeCriEndpoint> endpoints,
        Func<HttpMessageHandler> createHandler,
        Uri address,
        ILogger logger)
    {
        Options = options;
        Runtime = runtime;
        Journal = app.Services.GetRequiredService<CallJournal>();
        Faults = app.Services.GetRequiredService<FaultInjector>();
        DirectCallInvoker = CriServiceRegistration.CreateDirectInvoker(app.Services);
        _streaming = new StreamingServer(runtime, options.StreamingAddress, options.StreamingPort, app.Services.GetRequiredService<ILoggerFactory>());
        runtime.UseStreamingServer(_streaming.EnsureStartedAsync);
        _app = app;
        foreach (var scenario in options.Scenarios)
        {
            ApplyScenario(scenario);
        }

        Endpoints = endpoints;
        _createHandler = createHandler;
        _address = address;
        _logger = logger;
        _channel = new Lazy<GrpcChannel>(() => GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = createHandler(),
            DisposeHttpClient = true,
        }));
    }

    /// <summary>The options the fake was started with.</summary>
    public FakeCriOptions Options { get; }

    /// <summary>The emulated runtime behind every door.</summary>
    public EmulatedRuntime Runtime { get; }

    /// <summary>Every CRI call served, through any door, in order.</summary>
    public CallJournal Journal { get; }

    /// <summary>Failing and slow calls, chaos, conditions, crashes: faults injected on purpose.</summary>
    public FaultInjector Faults { get; }

    /// <summary>
    /// The fastest in-process door: a <see cref="CallInvoker"/> that dispatches generated clients straight to the
    /// services (no HTTP), with the same interceptors, journal and faults. Messages are still serialised, and
    /// deadlines, cancellation, metadata and status codes behave as over a channel. Use it for tests that make
    /// thousands of calls: <c>new RuntimeService.RuntimeServiceClient(cri.DirectCallInvoker)</c>.
    /// </summary>
    public CallInvoker DirectCallInvoker { get; }

    /// <summary>
    /// The network doors, with the real port of every TCP endpoint that asked for port 0. Empty for an in-process
    /// fake.
    /// </summary>
    public IReadOnlyList<FakeCriEndpoint> Endpoints { get; }

    /// <summary>True when the fake serves through the in-process door only.</summary>
    public bool IsInProcess => Endpoints.Count == 0;

    /// <summary>
    /// A channel to the fake: backed by the in-process test server, or connected to the first network endpoint.
    /// Owned by the server; disposed with it.
    /// </summary>
    public GrpcChannel Channel => _channel.Value;

    /// <summary>A RuntimeService client on <see cref="Channel"/>.</summary>
    public RuntimeService.RuntimeServiceClient RuntimeClient => _runtimeClient ??= new RuntimeService.RuntimeServiceClient(Channel);

    /// <summary>An ImageService client on <see cref="Channel"/>.</summary>
    public ImageService.ImageServiceClient ImageClient => _imageClient ??= new ImageService.ImageServiceClient(Channel);

    /// <summary>
    /// Starts a fake reachable only from this process, through an in-memory HTTP/2 server (no sockets, no ports).
    /// </summary>
    public static async Task<FakeCriServer> StartInProcessAsync(
        FakeCriOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        options ??= FakeCriOptions.Default;
        var runtime = new EmulatedRuntime(options);
        var builder = CreateBuilder(options, runtime);
        CriHost.UseInProcess(builder);

        var app = Build(builder);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var testServer = app.GetTestServer();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger<FakeCriServer>();
        HostingLog.StartedInProcess(logger);
        return new FakeCriServer(options, runtime, app, [], testServer.CreateHandler, testServer.BaseAddress, logger);
    }

    /// <summary>
    /// Starts a fake listening on every endpoint in <see cref="FakeCriOptions.Listen"/> (HTTP/2 without TLS, as
    /// kubelet and crictl connect). A stale socket file left by a dead server is replaced.
    /// </summary>
    /// <exception cref="FakeCriStartupException">An endpoint is held by a live server or a non-socket file.</exception>
    public static async Task<FakeCriServer> StartAsync(
        FakeCriOptions options,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Listen.Count == 0)
        {
            throw new ArgumentException(
                "no endpoint to listen on: set FakeCriOptions.Listen, or use StartInProcessAsync", nameof(options));
        }

        var runtime = new EmulatedRuntime(options);
        var loggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;
        var logger = loggerFactory.CreateLogger<FakeCriServer>();

        foreach (var endpoint in options.Listen.Where(e => e.Kind == FakeCriEndpointKind.Unix))
        {
            if (UnixSocketFile.PrepareForBind(endpoint))
            {
                HostingLog.StaleSocketRemoved(logger, endpoint.SocketPath!);
            }
        }

        var builder = CreateBuilder(options, runtime);
        var listens = new List<(FakeCriEndpoint Endpoint, ListenOptions Listen)>();
        CriHost.UseSockets(builder, options.Listen, (endpoint, listen) => listens.Add((endpoint, listen)));

        var app = Build(builder);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException exception)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            var failed = options.Listen.FirstOrDefault(e => exception.Message.Contains(e.ToString(), StringComparison.Ordinal))
                ?? options.Listen[0];
            throw new FakeCriStartupException(failed, $"cannot listen on {failed}: {exception.Message}", exception);
        }

        var bound = listens
            .Select(l => l.Endpoint.Kind == FakeCriEndpointKind.Tcp && l.Listen.IPEndPoint is IPEndPoint ip
                ? l.Endpoint.WithPort(ip.Port)
                : l.Endpoint)
            .ToArray();
        foreach (var endpoint in bound)
        {
            HostingLog.Listening(logger, endpoint);
        }

        var first = bound[0];
        return new FakeCriServer(
            options, runtime, app, bound, () => FakeCriChannel.CreateHandler(first), FakeCriChannel.AddressOf(first), logger);
    }

    /// <summary>
    /// Applies a scenario now: catalog images, local images, behaviours and pods, then conditions and faults.
    /// Returns the IDs of the sandboxes and containers it seeded.
    /// </summary>
    public ScenarioResult ApplyScenario(Scenario scenario) => new ScenarioApplier(Runtime, Faults).Apply(scenario);

    /// <summary>
    /// Back to a freshly started fake: clears the runtime's state (<see cref="EmulatedRuntime.Reset"/>), the
    /// journal and every fault. For part of that, call <c>Runtime.Reset()</c>, <c>Journal.Clear()</c> or
    /// <c>Faults.Clear()</c>.
    /// </summary>
    public void Reset()
    {
        Faults.Clear();
        Runtime.Reset();
        Journal.Clear();
    }

    /// <summary>
    /// A fresh HTTP/2 handler that reaches this fake, for clients generated from another copy of the CRI proto.
    /// Pair it with <see cref="BaseAddress"/>; the caller owns and disposes it.
    /// </summary>
    public HttpMessageHandler CreateHttpMessageHandler() => _createHandler();

    /// <summary>The address to give <see cref="GrpcChannel.ForAddress(Uri, GrpcChannelOptions)"/> with that handler.</summary>
    public Uri BaseAddress => _address;

    /// <summary>Stops the fake, closes its doors and removes the socket files it created.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_channel.IsValueCreated)
        {
            _channel.Value.Dispose();
        }

        Runtime.CloseEventStreams();
        try
        {
            await _streaming.DisposeAsync().ConfigureAwait(false);
            await _app.StopAsync().ConfigureAwait(false);
        }
        finally
        {
            await _app.DisposeAsync().ConfigureAwait(false);
            foreach (var endpoint in Endpoints.Where(e => e.Kind == FakeCriEndpointKind.Unix))
            {
                UnixSocketFile.RemoveOwned(endpoint.SocketPath!);
            }

            HostingLog.Stopped(_logger);
        }
    }

    private static WebApplicationBuilder CreateBuilder(FakeCriOptions options, EmulatedRuntime runtime)
    {
        var builder = CriHost.CreateBuilder("FakeCri", options.LoggerFactory ?? NullLoggerFactory.Instance);
        var journal = new CallJournal(options.JournalCapacity);
        builder.Services.AddCriServices(runtime, journal, new FaultInjector(runtime, journal, options.Seed));
        return builder;
    }

    private static WebApplication Build(WebApplicationBuilder builder)
    {
        var app = builder.Build();
        app.UseRouting();
        app.MapCriServices();
        return app;
    }
}

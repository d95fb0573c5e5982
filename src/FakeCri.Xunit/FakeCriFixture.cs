using FakeCri.Cri.V1;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using Xunit;

namespace FakeCri.Xunit;

/// <summary>
/// An in-process fake CRI runtime for xunit v3 tests: started before the first test that uses it, stopped after
/// the last. Use it as a class fixture (<c>IClassFixture&lt;FakeCriFixture&gt;</c>), a collection fixture
/// (<c>ICollectionFixture&lt;FakeCriFixture&gt;</c>), or per test (<c>await using var cri = new FakeCriFixture();
/// await cri.InitializeAsync();</c>). The fake's logs go to the output of the test running when each line is
/// written (see <see cref="XunitLogging"/>).
/// </summary>
/// <remarks>
/// Tests sharing a fixture share one runtime, and run in no guaranteed order: give each test its own pod names
/// (or its own fixture) rather than relying on what another test left behind. Subclass and override
/// <see cref="CreateOptions"/> to change how the fake is set up.
/// </remarks>
public class FakeCriFixture : IAsyncLifetime
{
    private FakeCriServer? _server;

    /// <summary>Creates a fixture; the fake starts in <see cref="InitializeAsync"/>.</summary>
    public FakeCriFixture()
    {
        LoggerFactory = XunitLogging.CreateLoggerFactory();
    }

    /// <summary>The running fake.</summary>
    /// <exception cref="InvalidOperationException">Before <see cref="InitializeAsync"/> or after <see cref="DisposeAsync"/>.</exception>
    public FakeCriServer Server => _server
        ?? throw new InvalidOperationException(
            "the fake is not running: xunit starts a fixture before its first test; a fixture made by hand needs InitializeAsync");

    /// <summary>A channel to the fake (<see cref="FakeCriServer.Channel"/>).</summary>
    public GrpcChannel Channel => Server.Channel;

    /// <summary>A RuntimeService client (<see cref="FakeCriServer.RuntimeClient"/>).</summary>
    public RuntimeService.RuntimeServiceClient RuntimeClient => Server.RuntimeClient;

    /// <summary>An ImageService client (<see cref="FakeCriServer.ImageClient"/>).</summary>
    public ImageService.ImageServiceClient ImageClient => Server.ImageClient;

    /// <summary>
    /// The factory that writes to the running test's output, at <see cref="LogLevel.Information"/> and above. Owned
    /// by the fixture and disposed after the fake.
    /// </summary>
    protected ILoggerFactory LoggerFactory { get; }

    /// <summary>Starts the fake with the options <see cref="CreateOptions"/> gives.</summary>
    public virtual async ValueTask InitializeAsync()
    {
        if (_server is not null)
        {
            return;
        }

        _server = await FakeCriServer
            .StartInProcessAsync(CreateOptions(), TestContext.Current.CancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>Stops the fake, then the logging.</summary>
    public virtual async ValueTask DisposeAsync()
    {
        if (_server is { } server)
        {
            _server = null;
            await server.DisposeAsync().ConfigureAwait(false);
        }

        LoggerFactory.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// The options the fake starts with: the defaults, logging to the test output. Override to customise; start
    /// from <c>base.CreateOptions()</c> to keep the logging.
    /// </summary>
    /// <example>
    /// <code>
    /// protected override FakeCriOptions CreateOptions() => base.CreateOptions().WithSeed(7).WithRuntimeHandlers("runc", "kata");
    /// </code>
    /// </example>
    protected virtual FakeCriOptions CreateOptions() => FakeCriOptions.Default.WithLoggerFactory(LoggerFactory);
}

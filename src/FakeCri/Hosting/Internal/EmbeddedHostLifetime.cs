using Microsoft.Extensions.Hosting;

namespace FakeCri.Hosting.Internal;

/// <summary>
/// Replaces the console lifetime a web host installs by default: a fake embedded in a test run or in the
/// <c>fakecri</c> command must not grab the process's SIGINT/SIGTERM. Whoever owns the
/// <see cref="FakeCriServer"/> stops it by disposing it.
/// </summary>
internal sealed class EmbeddedHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

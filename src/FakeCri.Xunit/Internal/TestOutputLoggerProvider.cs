using Microsoft.Extensions.Logging;

namespace FakeCri.Xunit.Internal;

/// <summary>
/// Hands out <see cref="TestOutputLogger"/>s. It holds no state: which test a line belongs to is decided when the
/// line is written, not when the logger is created, so one provider serves a fake shared by many tests.
/// </summary>
internal sealed class TestOutputLoggerProvider : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new TestOutputLogger(categoryName);

    public void Dispose()
    {
    }
}

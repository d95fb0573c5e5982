using System.Text;
using Microsoft.Extensions.Logging;
using Xunit;

namespace FakeCri.Xunit.Internal;

/// <summary>
/// Writes each log line to the output of the test running on the logging flow, as
/// <c>[level] category: message</c> followed by the exception, if any.
/// </summary>
internal sealed class TestOutputLogger : ILogger
{
    private readonly string _category;

    public TestOutputLogger(string category)
    {
        _category = category;
    }

    // Scopes carry nothing FakeCri's lines need; the factory still accepts them.
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    // Levels are filtered by the factory's rules (the minimum given to XunitLogging); this logger takes the rest.
    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    public void Log<TState>(
        LogLevel logLevel,
        EventId eventId,
        TState state,
        Exception? exception,
        Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        // TestContext is an AsyncLocal: it names the test whose code (or whose awaited calls) wrote the line. Outside
        // a test (a class or collection fixture starting up, a thread the test's context did not flow to) there is
        // no test output to write to, and the line is dropped.
        var output = TestContext.Current?.TestOutputHelper;
        if (output is null)
        {
            return;
        }

        var line = new StringBuilder()
            .Append('[').Append(LevelName(logLevel)).Append("] ")
            .Append(_category).Append(": ")
            .Append(formatter(state, exception));
        if (exception is not null)
        {
            line.AppendLine().Append(exception);
        }

        try
        {
            output.WriteLine(line.ToString());
        }
#pragma warning disable CA1031 // A logger must never fail the code that logs.
        catch (Exception)
#pragma warning restore CA1031
        {
            // Work a test started can outlive it (a container's process on a timer, a stream still open), and
            // xunit refuses output for a finished test. Losing that line is better than failing the fake's call.
        }
    }

    private static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "trace",
        LogLevel.Debug => "debug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "error",
        LogLevel.Critical => "crit",
        _ => level.ToString(),
    };
}

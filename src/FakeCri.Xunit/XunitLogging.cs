using FakeCri.Xunit.Internal;
using Microsoft.Extensions.Logging;

namespace FakeCri.Xunit;

/// <summary>Sends FakeCri's logs to the output of the xunit v3 test that is running when a line is written.</summary>
/// <example>
/// <code>
/// using var logging = XunitLogging.CreateLoggerFactory();
/// await using var cri = await FakeCriServer.StartInProcessAsync(FakeCriOptions.Default.WithLoggerFactory(logging));
/// </code>
/// </example>
public static class XunitLogging
{
    /// <summary>
    /// A logger factory that writes each line as <c>[level] category: message</c> (and the exception, if any) to
    /// <c>TestContext.Current.TestOutputHelper</c>. Lines written outside a test, or after their test ended, are
    /// dropped; logging never throws. Pass it to <see cref="FakeCriOptions.WithLoggerFactory"/>, and dispose it
    /// after the fake.
    /// </summary>
    /// <param name="minimum">The least severe level written.</param>
    public static ILoggerFactory CreateLoggerFactory(LogLevel minimum = LogLevel.Information) =>
        LoggerFactory.Create(logging => logging
            .SetMinimumLevel(minimum)
            .AddProvider(new TestOutputLoggerProvider())
            // The fake's own lines are what a test reads; ASP.NET Core's and gRPC's per-request lines would bury
            // them, so those show only at Debug and below, as with `fakecri serve`.
            .AddFilter("Microsoft.AspNetCore", Framework(minimum))
            .AddFilter("Microsoft.Hosting", Framework(minimum))
            .AddFilter("Grpc", Framework(minimum)));

    private static LogLevel Framework(LogLevel minimum) => minimum <= LogLevel.Debug ? minimum : LogLevel.Warning;
}

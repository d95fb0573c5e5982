using Microsoft.Extensions.Logging;

namespace FakeCri.Cli;

/// <summary>Log messages of the <c>fakecri</c> command. Event IDs 9000–9099 are its own.</summary>
internal static partial class CliLog
{
    [LoggerMessage(EventId = 9000, Level = LogLevel.Information, Message = "Signal received; shutting down")]
    public static partial void ShuttingDown(ILogger logger);
}

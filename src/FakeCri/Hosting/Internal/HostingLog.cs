using Microsoft.Extensions.Logging;

namespace FakeCri.Hosting.Internal;

/// <summary>Log messages of the doors. Event IDs 1000–1099 are theirs; never reuse a retired one.</summary>
internal static partial class HostingLog
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "FakeCri listening on {Endpoint}")]
    public static partial void Listening(ILogger logger, FakeCriEndpoint endpoint);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "FakeCri started in-process (no sockets)")]
    public static partial void StartedInProcess(ILogger logger);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning,
        Message = "Removed stale socket {SocketPath}: no server was listening on it")]
    public static partial void StaleSocketRemoved(ILogger logger, string socketPath);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "FakeCri stopped")]
    public static partial void Stopped(ILogger logger);
}

using Microsoft.Extensions.Logging;

namespace FakeCri.Networking.Internal;

/// <summary>Log messages of emulated pod networking. Event IDs 3000–3099 are theirs.</summary>
internal static partial class NetworkingLog
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Warning, Message = "An emulated server cannot listen on {Endpoint}: {Reason}")]
    public static partial void CannotListen(ILogger logger, string endpoint, string reason);
}

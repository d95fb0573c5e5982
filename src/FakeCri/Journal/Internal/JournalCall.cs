using Grpc.Core;

namespace FakeCri.Journal.Internal;

/// <summary>One journaled call without its messages' bytes: what a <see cref="JournalRing"/> slot keeps.</summary>
internal readonly record struct JournalCall(
    long Sequence,
    string Service,
    string Method,
    DateTimeOffset StartedAt,
    TimeSpan Duration,
    Type? RequestType,
    int RequestLength,
    Type? ResponseType,
    int ResponseLength,
    int StreamedMessages,
    StatusCode Code,
    string Detail,
    string? Fault)
{
    /// <summary>True for a CRI call, false for a fault injected outside a call.</summary>
    public bool IsCall => Service != JournalEntry.FaultService;
}

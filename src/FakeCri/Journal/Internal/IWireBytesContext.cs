namespace FakeCri.Journal.Internal;

/// <summary>
/// A call context of a door that holds the call's wire bytes anyway (the direct door: it serialises the request on
/// the client's side and the response on the way back). The journal copies the request's bytes instead of
/// serialising the message again, and hands the door the response's bytes it made, so each message is serialised
/// once per call, not twice.
/// </summary>
internal interface IWireBytesContext
{
    /// <summary>The request exactly as it arrived; null when the door did not keep it.</summary>
    byte[]? RequestBytes { get; }

    /// <summary>The wire bytes of <paramref name="response"/>, for the door to send instead of serialising it.</summary>
    void UseResponseBytes(object response, byte[] bytes);
}

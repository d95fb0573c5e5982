using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace FakeCri.Streaming.Internal;

/// <summary>
/// The HTTP side of a SPDY streaming request, in kubelet's order: negotiate the stream protocol from the client's
/// <c>X-Stream-Protocol-Version</c> values (its first one the server serves), check the upgrade headers, answer
/// <c>101 Switching Protocols</c> with <c>Upgrade: SPDY/3.1</c> and the chosen protocol, and take the connection.
/// </summary>
internal static class SpdyUpgrade
{
    public const string ProtocolHeader = "X-Stream-Protocol-Version";
    public const string AcceptedProtocolsHeader = "X-Accepted-Stream-Protocol-Versions";
    public const string Spdy31 = "SPDY/3.1";

    /// <summary>
    /// The upgraded connection and the negotiated protocol; null when the request was answered with an error
    /// (400 without a protocol or upgrade headers, 403 when no protocol is shared).
    /// </summary>
    public static async Task<(Stream Transport, string Protocol)?> AcceptAsync(HttpContext http, IReadOnlyList<string> served)
    {
        var offered = http.Request.Headers[ProtocolHeader].Where(v => !string.IsNullOrEmpty(v)).Select(v => v!).ToArray();
        if (offered.Length == 0)
        {
            await RefuseAsync(http, StatusCodes.Status400BadRequest, $"unable to upgrade: {ProtocolHeader} is required").ConfigureAwait(false);
            return null;
        }

        var protocol = offered.FirstOrDefault(p => served.Contains(p, StringComparer.Ordinal));
        if (protocol is null)
        {
            http.Response.Headers[AcceptedProtocolsHeader] = served.ToArray();
            await RefuseAsync(
                http,
                StatusCodes.Status403Forbidden,
                $"unable to upgrade: unable to negotiate protocol: client supports [{string.Join(' ', offered)}], server accepts [{string.Join(' ', served)}]").ConfigureAwait(false);
            return null;
        }

        var connection = http.Request.Headers.Connection.ToString();
        var upgrade = http.Request.Headers.Upgrade.ToString();
        var feature = http.Features.Get<IHttpUpgradeFeature>();
        if (!connection.Contains("upgrade", StringComparison.OrdinalIgnoreCase)
            || !upgrade.Contains(Spdy31, StringComparison.OrdinalIgnoreCase)
            || feature is not { IsUpgradableRequest: true })
        {
            await RefuseAsync(
                http,
                StatusCodes.Status400BadRequest,
                $"unable to upgrade: missing upgrade headers in request: Connection: \"{connection}\", Upgrade: \"{upgrade}\" (want Connection: Upgrade and Upgrade: {Spdy31})").ConfigureAwait(false);
            return null;
        }

        http.Response.Headers[ProtocolHeader] = protocol;
        http.Response.Headers.Upgrade = Spdy31;
        return (await feature.UpgradeAsync().ConfigureAwait(false), protocol);
    }

    private static Task RefuseAsync(HttpContext http, int status, string message)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/plain; charset=utf-8";
        return http.Response.WriteAsync(message + "\n");
    }
}

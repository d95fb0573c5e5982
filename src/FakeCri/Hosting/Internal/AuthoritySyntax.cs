namespace FakeCri.Hosting.Internal;

/// <summary>
/// Tells an HTTP/2 <c>:authority</c> (or <c>host</c>) value Kestrel accepts from one it would refuse, such as the
/// socket path older gRPC clients send when they dial a unix socket.
/// </summary>
internal static class AuthoritySyntax
{
    /// <summary>
    /// True when <paramref name="value"/> is not an RFC 3986 <c>host [ ":" port ]</c> (no userinfo), or is a
    /// %-encoded path (holds <c>%2F</c>): both stand for a socket path, not a host. An empty value is left alone.
    /// </summary>
    public static bool NeedsReplacement(ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty)
        {
            return false;
        }

        if (value.IndexOf("%2F"u8) >= 0 || value.IndexOf("%2f"u8) >= 0)
        {
            return true;
        }

        int hostEnd;
        if (value[0] == (byte)'[')
        {
            // IP-literal: "[" IPv6address / IPvFuture "]"; a zone ID (RFC 6874) brings "%25" and unreserved chars.
            hostEnd = value.IndexOf((byte)']') + 1;
            if (hostEnd == 0 || !IsAll(value[1..(hostEnd - 1)], IsIpLiteralChar))
            {
                return true;
            }
        }
        else
        {
            // reg-name (which covers IPv4address): unreserved / pct-encoded / sub-delims.
            hostEnd = value.IndexOf((byte)':');
            if (hostEnd < 0)
            {
                hostEnd = value.Length;
            }

            if (!IsAll(value[..hostEnd], IsRegNameChar))
            {
                return true;
            }
        }

        var rest = value[hostEnd..];
        return !rest.IsEmpty && (rest[0] != (byte)':' || !IsAll(rest[1..], char.IsAsciiDigit));
    }

    private static bool IsAll(ReadOnlySpan<byte> text, Func<char, bool> allowed)
    {
        foreach (var octet in text)
        {
            if (!allowed((char)octet))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsIpLiteralChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is ':' or '.' or '%' or '-' or '_' or '~';

    private static bool IsRegNameChar(char c) =>
        char.IsAsciiLetterOrDigit(c)
        || c is '-' or '.' or '_' or '~' or '%' or '!' or '$' or '&' or '\'' or '(' or ')' or '*' or '+' or ',' or ';' or '=';
}

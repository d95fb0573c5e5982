using System.Buffers.Binary;
using System.Text;

namespace FakeCri.Streaming.Internal.Spdy;

/// <summary>
/// The preset zlib dictionary of SPDY/3 (draft 3, section 2.6.10.1), which both directions of every connection
/// compress their header blocks against: 64 length-prefixed words as they would appear in a name/value block,
/// then a run of common values. 1423 bytes, no trailing NUL; zlib names it by its Adler-32, 0xE3C6A7C2, in the
/// header of every stream compressed with it. Built from its parts rather than pasted as 1423 opaque bytes.
/// </summary>
internal static class SpdyHeaderDictionary
{
    public const uint Adler32 = 0xE3C6A7C2;

    private static readonly string[] Words =
    [
        "options", "head", "post", "put", "delete", "trace", "accept", "accept-charset", "accept-encoding",
        "accept-language", "accept-ranges", "age", "allow", "authorization", "cache-control", "connection",
        "content-base", "content-encoding", "content-language", "content-length", "content-location", "content-md5",
        "content-range", "content-type", "date", "etag", "expect", "expires", "from", "host", "if-match",
        "if-modified-since", "if-none-match", "if-range", "if-unmodified-since", "last-modified", "location",
        "max-forwards", "pragma", "proxy-authenticate", "proxy-authorization", "range", "referer", "retry-after",
        "server", "te", "trailer", "transfer-encoding", "upgrade", "user-agent", "vary", "via", "warning",
        "www-authenticate", "method", "get", "status", "200 OK", "version", "HTTP/1.1", "url", "public", "set-cookie",
        "keep-alive", "origin",
    ];

    private const string Values =
        "100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505" +
        "203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 Unauthorized" +
        "403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented503 Service Unavailable" +
        "Jan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMT" +
        "chunked,text/html,image/png,image/jpg,image/gif,application/xml,application/xhtml+xml,text/plain," +
        "text/javascript,publicprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.";

    /// <summary>The dictionary's bytes.</summary>
    public static ReadOnlySpan<byte> Bytes => Built;

    private static readonly byte[] Built = Build();

    private static byte[] Build()
    {
        var bytes = new List<byte>(1423);
        Span<byte> length = stackalloc byte[4];
        foreach (var word in Words)
        {
            BinaryPrimitives.WriteUInt32BigEndian(length, (uint)word.Length);
            bytes.AddRange(length);
            bytes.AddRange(Encoding.ASCII.GetBytes(word));
        }

        bytes.AddRange(Encoding.ASCII.GetBytes(Values));
        return [.. bytes];
    }
}

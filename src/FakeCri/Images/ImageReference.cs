using System.Buffers;
using System.Diagnostics.CodeAnalysis;

namespace FakeCri.Images;

/// <summary>
/// A docker-style image reference in the normalised, fully qualified form containerd stores and looks images up by
/// (the <c>ParseDockerRef</c> behaviour of distribution/reference): <c>busybox</c> is
/// <c>docker.io/library/busybox:latest</c>.
/// </summary>
/// <remarks>
/// <para>
/// A reference has exactly one of <see cref="Tag"/> and <see cref="Digest"/>: <c>latest</c> is added when neither is
/// given, and a tag given together with a digest is dropped because the digest alone pins the content.
/// </para>
/// <para>
/// Like containerd, the parser accepts strings that look like image IDs: <c>sha256:abc</c> is the repository
/// <c>docker.io/library/sha256</c> with tag <c>abc</c>. Code resolving "reference or ID" must test
/// <see cref="IsImageId"/> first and fall back to ID prefixes after a miss, as containerd's local lookup does.
/// </para>
/// <para>Equality is ordinal equality of the normalised text, so two spellings of one image compare equal.</para>
/// </remarks>
public sealed record ImageReference
{
    private const string DefaultDomain = "docker.io";
    private const string LegacyDefaultDomain = "index.docker.io";
    private const string OfficialRepoPrefix = "library/";
    private const string DefaultTag = "latest";
    private const string InvalidFormat = "invalid reference format";
    private const int MaxNameLength = 255;
    private const int MaxTagLength = 128;
    private const int ImageIdHexLength = 64;
    private const string ImageIdPrefix = "sha256:";

    private static readonly SearchValues<char> LowerHex = SearchValues.Create("0123456789abcdef");
    private static readonly SearchValues<char> Ipv6Chars = SearchValues.Create("0123456789abcdefABCDEF:");

    private readonly string _repository;
    private readonly string _text;

    private ImageReference(string domain, string path, string? tag, string? digest)
    {
        Domain = domain;
        Path = path;
        Tag = tag;
        Digest = digest;
        _repository = string.Concat(domain, "/", path);
        _text = digest is null ? string.Concat(_repository, ":", tag) : string.Concat(_repository, "@", digest);
    }

    /// <summary>The registry host, with a port if one was given: <c>docker.io</c>, <c>localhost:5000</c>.</summary>
    public string Domain { get; }

    /// <summary>The repository path inside the registry: <c>library/busybox</c>, <c>e2e-test-images/busybox</c>.</summary>
    public string Path { get; }

    /// <summary>The tag; null exactly when the reference has a <see cref="Digest"/>.</summary>
    public string? Tag { get; }

    /// <summary>The content digest, <c>sha256:&lt;64 hex&gt;</c> (or sha384/sha512); null for a tag reference.</summary>
    public string? Digest { get; }

    /// <summary>The repository name without tag or digest: <c>docker.io/library/busybox</c>.</summary>
    public string Repository => _repository;

    /// <summary>
    /// Parses and normalises <paramref name="text"/>. Never throws: on failure <paramref name="error"/> says why, in
    /// containerd's words (<c>invalid reference format</c>), and quotes the input.
    /// </summary>
    public static bool TryParse(
        string? text,
        [NotNullWhen(true)] out ImageReference? reference,
        [NotNullWhen(false)] out string? error)
    {
        reference = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = InvalidFormat + ": empty";
            return false;
        }

        // A bare image ID would otherwise be a valid name in docker.io/library; docker refuses it to avoid confusion.
        if (text.Length == ImageIdHexLength && !text.AsSpan().ContainsAnyExcept(LowerHex))
        {
            error = Invalid(text, "cannot specify 64-byte hexadecimal strings");
            return false;
        }

        // Only a first component that looks like a host is a domain: it has a '.' or ':', is localhost, or has an
        // upper-case letter (repository paths never do). Anything else is a Docker Hub path.
        var domain = DefaultDomain;
        var isDefaultDomain = true;
        ReadOnlySpan<char> rest = text;
        var slash = text.IndexOf('/');
        if (slash >= 0)
        {
            var first = rest[..slash];
            if (first is DefaultDomain or LegacyDefaultDomain)
            {
                rest = rest[(slash + 1)..];
            }
            else if (first is "localhost" || first.ContainsAny('.', ':') || HasUpper(first))
            {
                domain = first.ToString();
                isDefaultDomain = false;
                rest = rest[(slash + 1)..];
            }
        }

        var official = isDefaultDomain && !rest.Contains('/');

        // Checked before the grammar so "Busybox" gets the helpful message, on the part before any tag as docker does.
        var colon = rest.IndexOf(':');
        if (HasUpper(colon < 0 ? rest : rest[..colon]))
        {
            error = Invalid(text, "repository name must be lowercase");
            return false;
        }

        if (!isDefaultDomain && !IsValidDomain(domain))
        {
            error = Invalid(text);
            return false;
        }

        var end = ScanPath(rest);
        if (end < 0)
        {
            error = Invalid(text);
            return false;
        }

        var path = rest[..end];
        var tag = ReadOnlySpan<char>.Empty;
        var digest = ReadOnlySpan<char>.Empty;
        var hasDigest = false;
        if (end < rest.Length && rest[end] == ':')
        {
            var tagStart = end + 1;
            var tagEnd = rest[tagStart..].IndexOf('@');
            tagEnd = tagEnd < 0 ? rest.Length : tagStart + tagEnd;
            tag = rest[tagStart..tagEnd];
            if (!IsValidTag(tag))
            {
                error = Invalid(text);
                return false;
            }

            end = tagEnd;
        }

        if (end < rest.Length && rest[end] == '@')
        {
            digest = rest[(end + 1)..];
            hasDigest = true;
            end = rest.Length;
        }

        if (end != rest.Length)
        {
            error = Invalid(text);
            return false;
        }

        if (domain.Length + 1 + (official ? OfficialRepoPrefix.Length : 0) + path.Length > MaxNameLength)
        {
            error = Invalid(text, $"repository name must not be more than {MaxNameLength} characters");
            return false;
        }

        if (hasDigest && !IsValidDigest(digest))
        {
            error = Invalid(text, "invalid digest");
            return false;
        }

        var pathText = official ? string.Concat(OfficialRepoPrefix, path) : path.ToString();
        reference = hasDigest
            ? new ImageReference(domain, pathText, tag: null, digest.ToString())
            : new ImageReference(domain, pathText, tag.IsEmpty || tag is DefaultTag ? DefaultTag : tag.ToString(), digest: null);
        error = null;
        return true;
    }

    /// <summary>Parses and normalises <paramref name="text"/>; throws <see cref="FormatException"/> if it is invalid.</summary>
    public static ImageReference Parse(string text) =>
        TryParse(text, out var reference, out var error) ? reference : throw new FormatException(error);

    /// <summary>Whether <paramref name="text"/> is a containerd image ID: <c>sha256:</c> and exactly 64 lower-case hex.</summary>
    public static bool IsImageId(string? text) =>
        text?.Length == ImageIdPrefix.Length + ImageIdHexLength
        && text.StartsWith(ImageIdPrefix, StringComparison.Ordinal)
        && !text.AsSpan(ImageIdPrefix.Length).ContainsAnyExcept(LowerHex);

    /// <summary>The same repository with <paramref name="tag"/> and no digest.</summary>
    /// <exception cref="ArgumentException">The tag is not <c>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}</c>.</exception>
    public ImageReference WithTag(string tag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        if (!IsValidTag(tag))
        {
            throw new ArgumentException($"{InvalidFormat}: invalid tag \"{tag}\"", nameof(tag));
        }

        return new ImageReference(Domain, Path, tag, digest: null);
    }

    /// <summary>The same repository with <paramref name="digest"/> and no tag, as a repo digest is recorded.</summary>
    /// <exception cref="ArgumentException">The digest is not sha256/sha384/sha512 with its exact lower-case hex length.</exception>
    public ImageReference WithDigest(string digest)
    {
        ArgumentNullException.ThrowIfNull(digest);
        if (!IsValidDigest(digest))
        {
            throw new ArgumentException($"{InvalidFormat}: invalid digest \"{digest}\"", nameof(digest));
        }

        return new ImageReference(Domain, Path, tag: null, digest);
    }

    /// <summary>Whether both references normalise to the same text.</summary>
    public bool Equals(ImageReference? other) =>
        other is not null && string.Equals(_text, other._text, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override int GetHashCode() => string.GetHashCode(_text, StringComparison.Ordinal);

    /// <summary>The normalised form, <c>Domain/Path:Tag</c> or <c>Domain/Path@Digest</c>.</summary>
    public override string ToString() => _text;

    private static string Invalid(string text, string? reason = null) =>
        reason is null ? $"{InvalidFormat}: \"{text}\"" : $"{InvalidFormat}: {reason}: \"{text}\"";

    private static bool HasUpper(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (char.IsUpper(c))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>host[:port], host being DNS-like labels (upper case allowed) or a bracketed IPv6 address.</summary>
    private static bool IsValidDomain(ReadOnlySpan<char> domain)
    {
        int i;
        if (domain[0] == '[')
        {
            var close = domain.IndexOf(']');
            if (close < 2 || domain[1..close].ContainsAnyExcept(Ipv6Chars))
            {
                return false;
            }

            i = close + 1;
        }
        else
        {
            i = 0;
            while (true)
            {
                var start = i;
                while (i < domain.Length && (char.IsAsciiLetterOrDigit(domain[i]) || domain[i] == '-'))
                {
                    i++;
                }

                if (i == start || domain[start] == '-' || domain[i - 1] == '-')
                {
                    return false;
                }

                if (i < domain.Length && domain[i] == '.')
                {
                    i++;
                    continue;
                }

                break;
            }
        }

        if (i < domain.Length && domain[i] == ':')
        {
            var portStart = ++i;
            while (i < domain.Length && char.IsAsciiDigit(domain[i]))
            {
                i++;
            }

            if (i == portStart)
            {
                return false;
            }
        }

        return i == domain.Length;
    }

    /// <summary>
    /// Scans <c>component('/' component)*</c> from the start and returns where the path ends (at the end, ':' or
    /// '@'), or -1 if it is malformed. A component is lower-case alphanumerics joined by '.', '_', '__' or dashes.
    /// </summary>
    private static int ScanPath(ReadOnlySpan<char> text)
    {
        var i = 0;
        while (true)
        {
            if (i >= text.Length || !IsLowerAlnum(text[i]))
            {
                return -1;
            }

            while (i < text.Length && IsLowerAlnum(text[i]))
            {
                i++;
            }

            if (i == text.Length)
            {
                return i;
            }

            var separator = text[i] switch
            {
                '.' => 1,
                '_' => i + 1 < text.Length && text[i + 1] == '_' ? 2 : 1,
                '-' => CountDashes(text[i..]),
                _ => 0,
            };
            if (separator > 0)
            {
                // A separator must be followed by more of the same component; nothing else may follow it.
                i += separator;
                if (i >= text.Length || !IsLowerAlnum(text[i]))
                {
                    return -1;
                }

                continue;
            }

            if (text[i] != '/')
            {
                return i;
            }

            i++;
        }
    }

    private static int CountDashes(ReadOnlySpan<char> text)
    {
        var count = text.IndexOfAnyExcept('-');
        return count < 0 ? text.Length : count;
    }

    private static bool IsLowerAlnum(char c) => char.IsAsciiDigit(c) || char.IsAsciiLetterLower(c);

    private static bool IsTagChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    private static bool IsValidTag(ReadOnlySpan<char> tag)
    {
        if (tag.IsEmpty || tag.Length > MaxTagLength || !IsTagChar(tag[0]))
        {
            return false;
        }

        foreach (var c in tag[1..])
        {
            if (!IsTagChar(c) && c != '.' && c != '-')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The algorithms containerd registers, each with its exact lower-case hex length (go-digest rules).</summary>
    private static bool IsValidDigest(ReadOnlySpan<char> digest)
    {
        var colon = digest.IndexOf(':');
        if (colon < 0)
        {
            return false;
        }

        var hexLength = digest[..colon] switch
        {
            "sha256" => 64,
            "sha384" => 96,
            "sha512" => 128,
            _ => -1,
        };
        var hex = digest[(colon + 1)..];
        return hex.Length == hexLength && !hex.ContainsAnyExcept(LowerHex);
    }
}

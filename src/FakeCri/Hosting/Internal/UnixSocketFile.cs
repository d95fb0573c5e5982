using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace FakeCri.Hosting.Internal;

/// <summary>
/// What sits at a unix socket path before the fake binds it, and what to do about it: nothing there is fine, a
/// socket nobody listens on is a stale leftover of a dead server and is replaced, a live server or any other kind
/// of file is refused and left untouched.
/// </summary>
internal static partial class UnixSocketFile
{
    private const int MaxPathBytes = 107; // sun_path is 108 bytes including the terminating NUL
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const int ModeOffset = 28; // struct statx: stx_mode is a u16 at byte 28 on every architecture
    private const ushort TypeMask = 0xF000;
    private const ushort SocketType = 0xC000;

    /// <summary>Makes <paramref name="endpoint"/>'s path ready to bind; returns true if a stale socket was removed.</summary>
    /// <exception cref="FakeCriStartupException">The path is in use or is not a socket.</exception>
    public static bool PrepareForBind(FakeCriEndpoint endpoint)
    {
        var path = endpoint.SocketPath!;
        if (System.Text.Encoding.UTF8.GetByteCount(path) > MaxPathBytes)
        {
            throw new FakeCriStartupException(
                endpoint,
                $"socket path {path} is {System.Text.Encoding.UTF8.GetByteCount(path)} bytes; unix sockets allow at most {MaxPathBytes}");
        }

        var directory = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(directory))
        {
            try
            {
                Directory.CreateDirectory(directory);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                throw new FakeCriStartupException(
                    endpoint, $"cannot create the directory for socket {path}: {exception.Message}", exception);
            }
        }

        var kind = Inspect(path);
        switch (kind)
        {
            case PathKind.Missing:
                return false;
            case PathKind.Other:
                throw new FakeCriStartupException(
                    endpoint,
                    $"{path} exists and is not a unix socket; refusing to replace it (remove it or choose another --listen path)");
        }

        if (IsListening(path))
        {
            throw new FakeCriStartupException(
                endpoint, $"another server is already listening on {path}; stop it or choose another --listen path");
        }

        try
        {
            File.Delete(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new FakeCriStartupException(
                endpoint, $"cannot remove stale socket {path}: {exception.Message}", exception);
        }

        return true;
    }

    /// <summary>Removes the socket file the fake created, if it is still a socket.</summary>
    public static void RemoveOwned(string path)
    {
        if (Inspect(path) == PathKind.Socket)
        {
            try
            {
                File.Delete(path);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // Best effort on shutdown: a leftover socket is detected as stale on the next start.
            }
        }
    }

    private enum PathKind
    {
        Missing,
        Socket,
        Other,
    }

    private static PathKind Inspect(string path)
    {
        var buffer = new byte[256];
        if (Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxType, buffer) != 0)
        {
            // ENOENT and friends: nothing usable there. A dangling symlink also lands here, and Kestrel's bind
            // reports anything stranger with its own message.
            return File.Exists(path) || Directory.Exists(path) ? PathKind.Other : PathKind.Missing;
        }

        var mode = BitConverter.ToUInt16(buffer, ModeOffset);
        return (mode & TypeMask) == SocketType ? PathKind.Socket : PathKind.Other;
    }

    private static bool IsListening(string path)
    {
        using var socket = new Socket(AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(path));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Statx(int dirFd, string path, int flags, uint mask, [Out] byte[] buffer);
}

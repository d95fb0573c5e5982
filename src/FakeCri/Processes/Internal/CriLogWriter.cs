using System.Globalization;
using System.Text;

namespace FakeCri.Processes.Internal;

/// <summary>
/// Writes a container's stdout and stderr to its log file in the CRI format kubelet and crictl read:
/// <c>&lt;RFC3339Nano&gt; &lt;stream&gt; &lt;F|P&gt; &lt;content&gt;</c>, one record per line, <c>P</c> for the pieces of a line
/// longer than 16 KiB and for output left without a newline when the stream closes. Records are written as they
/// are produced (and flushed), so a reader sees them at once. Thread-safe; its own lock, never the runtime's.
/// </summary>
internal sealed class CriLogWriter : IDisposable
{
    /// <summary>containerd's default <c>max_container_log_line_size</c>.</summary>
    public const int MaxLineBytes = 16 * 1024;

    private readonly Lock _gate = new();
    private readonly string _path;
    private readonly TimeProvider _clock;
    private readonly StringBuilder _stdoutPending = new();
    private readonly StringBuilder _stderrPending = new();
    private int _stdoutBytes;
    private int _stderrBytes;
    private FileStream? _file;

    public CriLogWriter(string path, TimeProvider clock)
    {
        _path = path;
        _clock = clock;
        _file = Open(path);
    }

    /// <summary>Records <paramref name="text"/> produced on stdout or stderr.</summary>
    public void Write(bool stderr, string text)
    {
        lock (_gate)
        {
            var pending = stderr ? _stderrPending : _stdoutPending;
            ref var bytes = ref stderr ? ref _stderrBytes : ref _stdoutBytes;
            foreach (var c in text)
            {
                if (c == '\n')
                {
                    if (pending.Length > 0 && pending[^1] == '\r')
                    {
                        pending.Length--;
                    }

                    Emit(stderr, pending.ToString(), partial: false);
                    pending.Clear();
                    bytes = 0;
                    continue;
                }

                pending.Append(c);
                bytes += c < 0x80 ? 1 : c < 0x800 || char.IsSurrogate(c) ? 2 : 3;
                if (bytes >= MaxLineBytes)
                {
                    Emit(stderr, pending.ToString(), partial: true);
                    pending.Clear();
                    bytes = 0;
                }
            }
        }
    }

    /// <summary>
    /// ReopenContainerLog: closes the current file (a renamed old file stops growing) and starts a new one at the
    /// original path at once.
    /// </summary>
    public void Reopen()
    {
        lock (_gate)
        {
            _file?.Dispose();
            _file = Open(_path);
        }
    }

    /// <summary>The streams closed: output left without a newline becomes a final <c>P</c> record.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_stdoutPending.Length > 0)
            {
                Emit(false, _stdoutPending.ToString(), partial: true);
                _stdoutPending.Clear();
            }

            if (_stderrPending.Length > 0)
            {
                Emit(true, _stderrPending.ToString(), partial: true);
                _stderrPending.Clear();
            }

            _file?.Dispose();
            _file = null;
        }
    }

    /// <summary>Go's <c>time.RFC3339Nano</c>: UTC, up to nine fraction digits with trailing zeros trimmed.</summary>
    public static string FormatTimestamp(DateTimeOffset time)
    {
        var utc = time.UtcDateTime;
        var ticks = utc.Ticks % TimeSpan.TicksPerSecond;
        var seconds = utc.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        if (ticks == 0)
        {
            return seconds + "Z";
        }

        var fraction = (ticks * 100).ToString("D9", CultureInfo.InvariantCulture).TrimEnd('0');
        return $"{seconds}.{fraction}Z";
    }

    private void Emit(bool stderr, string content, bool partial)
    {
        if (_file is null)
        {
            return;
        }

        var line = $"{FormatTimestamp(_clock.GetUtcNow())} {(stderr ? "stderr" : "stdout")} {(partial ? 'P' : 'F')} {content}\n";
        var bytes = Encoding.UTF8.GetBytes(line);
        try
        {
            _file.Write(bytes);
            _file.Flush();
        }
        catch (IOException)
        {
            // A log that cannot be written (disk full, file system gone) loses output, as a real shim would;
            // the container keeps running.
        }
    }

    private static FileStream? Open(string path)
    {
        if (path.Length == 0)
        {
            return null;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var options = new FileStreamOptions
        {
            Mode = FileMode.Append,
            Access = FileAccess.Write,
            Share = FileShare.ReadWrite | FileShare.Delete,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;
        }

        return new FileStream(path, options);
    }
}

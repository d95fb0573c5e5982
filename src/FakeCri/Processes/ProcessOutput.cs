using System.Text;

namespace FakeCri.Processes;

/// <summary>Where an emulated program's stdout or stderr goes: a container log, an exec capture, a file, a pipe.</summary>
public abstract class ProcessOutput
{
    /// <summary>Output nobody reads (<c>/dev/null</c>, a container without a log path).</summary>
    public static ProcessOutput Null { get; } = new NullOutput();

    /// <summary>Writes text as the program produced it.</summary>
    public abstract void Write(string text);

    private sealed class NullOutput : ProcessOutput
    {
        public override void Write(string text)
        {
        }
    }
}

/// <summary>Collects output in memory, up to a cap (ExecSync keeps at most 16 MiB per stream).</summary>
public sealed class CapturedOutput : ProcessOutput
{
    private readonly Lock _gate = new();
    private readonly StringBuilder _text = new();
    private readonly int _maxChars;

    /// <summary>Creates a capture holding at most <paramref name="maxChars"/> characters; the rest is dropped.</summary>
    public CapturedOutput(int maxChars = 16 * 1024 * 1024)
    {
        _maxChars = maxChars;
    }

    /// <inheritdoc/>
    public override void Write(string text)
    {
        lock (_gate)
        {
            var room = _maxChars - _text.Length;
            if (room > 0)
            {
                _text.Append(text.AsSpan(0, Math.Min(room, text.Length)));
            }
        }
    }

    /// <summary>Everything captured so far.</summary>
    public override string ToString()
    {
        lock (_gate)
        {
            return _text.ToString();
        }
    }
}

/// <summary>An emulated program's stdin: lines from an attached client, a here-document, a pipe, or nothing.</summary>
public abstract class ProcessInput
{
    /// <summary>No stdin: every read is end of file at once.</summary>
    public static ProcessInput Empty { get; } = new TextInput(string.Empty);

    /// <summary>The next line without its newline, or null at end of file.</summary>
    public abstract ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken);

    /// <summary>Everything until end of file.</summary>
    public async ValueTask<string> ReadToEndAsync(CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        while (await ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            text.Append(line).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>
    /// A stdin that stays open and never delivers a line (a container created with <c>stdin: true</c> that nobody
    /// attached to): a shell reading it waits, as it would in a real runtime, until it is killed.
    /// </summary>
    public static ProcessInput Open { get; } = new OpenInput();

    /// <summary>Fixed text as stdin.</summary>
    public static ProcessInput FromText(string text) => new TextInput(text);

    private sealed class OpenInput : ProcessInput
    {
        public override async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            return null;
        }
    }

    private sealed class TextInput : ProcessInput
    {
        private readonly StringReader _reader;

        public TextInput(string text)
        {
            _reader = new StringReader(text);
        }

        public override ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken) => new(_reader.ReadLine());
    }
}

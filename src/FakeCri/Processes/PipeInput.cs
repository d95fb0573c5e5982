using System.Text;
using System.Threading.Channels;

namespace FakeCri.Processes;

/// <summary>
/// A stdin fed while the process runs — by a streaming client's stdin channel — and closed at the client's EOF.
/// Lines are handed out as they complete; the text after the last newline arrives as a final line at EOF.
/// </summary>
public sealed class PipeInput : ProcessInput
{
    private readonly Channel<string> _chunks = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly StringBuilder _pending = new();

    /// <summary>Delivers text to the reader.</summary>
    public void Write(string text) => _chunks.Writer.TryWrite(text);

    /// <summary>End of file: the reader gets what is left, then null.</summary>
    public void Close() => _chunks.Writer.TryComplete();

    /// <inheritdoc />
    public override async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var text = _pending.ToString();
            var newline = text.IndexOf('\n', StringComparison.Ordinal);
            if (newline >= 0)
            {
                _pending.Remove(0, newline + 1);
                return text[..newline].TrimEnd('\r');
            }

            if (!await _chunks.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (_pending.Length == 0)
                {
                    return null;
                }

                _pending.Clear();
                return text;
            }

            while (_chunks.Reader.TryRead(out var chunk))
            {
                _pending.Append(chunk);
            }
        }
    }
}

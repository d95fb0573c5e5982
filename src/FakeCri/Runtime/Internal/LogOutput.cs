using FakeCri.Processes;
using FakeCri.Processes.Internal;

namespace FakeCri.Runtime.Internal;

/// <summary>A container's stdout or stderr, written to its CRI log file.</summary>
internal sealed class LogOutput : ProcessOutput
{
    private readonly CriLogWriter _log;
    private readonly bool _stderr;

    public LogOutput(CriLogWriter log, bool stderr)
    {
        _log = log;
        _stderr = stderr;
    }

    public override void Write(string text) => _log.Write(_stderr, text);
}

using FakeCri.Cri.V1;

namespace FakeCri.Runtime.Internal;

/// <summary>
/// CRI's Signal enum numbers are not kernel signal numbers; exit codes are (a process killed by signal N exits
/// 128+N). This maps between the two and parses the <c>StopSignal</c> strings image configs carry.
/// </summary>
internal static class SignalNumbers
{
    private static readonly Dictionary<Signal, int> LinuxNumbers = new()
    {
        [Signal.Sighup] = 1,
        [Signal.Sigint] = 2,
        [Signal.Sigquit] = 3,
        [Signal.Sigill] = 4,
        [Signal.Sigtrap] = 5,
        [Signal.Sigabrt] = 6,
        [Signal.Sigiot] = 6,
        [Signal.Sigbus] = 7,
        [Signal.Sigfpe] = 8,
        [Signal.Sigkill] = 9,
        [Signal.Sigusr1] = 10,
        [Signal.Sigsegv] = 11,
        [Signal.Sigusr2] = 12,
        [Signal.Sigpipe] = 13,
        [Signal.Sigalrm] = 14,
        [Signal.Sigterm] = 15,
        [Signal.Sigstkflt] = 16,
        [Signal.Sigchld] = 17,
        [Signal.Sigcld] = 17,
        [Signal.Sigcont] = 18,
        [Signal.Sigstop] = 19,
        [Signal.Sigtstp] = 20,
        [Signal.Sigttin] = 21,
        [Signal.Sigttou] = 22,
        [Signal.Sigurg] = 23,
        [Signal.Sigxcpu] = 24,
        [Signal.Sigxfsz] = 25,
        [Signal.Sigvtalrm] = 26,
        [Signal.Sigprof] = 27,
        [Signal.Sigwinch] = 28,
        [Signal.Sigio] = 29,
        [Signal.Sigpoll] = 29,
        [Signal.Sigpwr] = 30,
        [Signal.Sigsys] = 31,
        [Signal.Sigrtmin] = 34,
        [Signal.Sigrtmax] = 64,
    };

    /// <summary>The kernel number of a CRI signal (SIGRTMIN+n and SIGRTMAX-n included).</summary>
    public static int ToLinux(Signal signal)
    {
        if (LinuxNumbers.TryGetValue(signal, out var number))
        {
            return number;
        }

        var value = (int)signal;
        if (value is >= (int)Signal.Sigrtminplus1 and <= (int)Signal.Sigrtminplus15)
        {
            return 34 + (value - (int)Signal.Sigrtmin);
        }

        if (value is >= (int)Signal.Sigrtmaxminus14 and <= (int)Signal.Sigrtmaxminus1)
        {
            return 64 - ((int)Signal.Sigrtmax - value);
        }

        return 15;
    }

    /// <summary>Parses an image config's StopSignal ("SIGQUIT", "QUIT", "3"); null when unrecognised.</summary>
    public static Signal? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        text = text.Trim().ToUpperInvariant();
        if (int.TryParse(text, out var number))
        {
            foreach (var (signal, linux) in LinuxNumbers)
            {
                if (linux == number)
                {
                    return signal;
                }
            }

            return null;
        }

        if (!text.StartsWith("SIG", StringComparison.Ordinal))
        {
            text = "SIG" + text;
        }

        var name = text.Replace("+", "PLUS", StringComparison.Ordinal).Replace("-", "MINUS", StringComparison.Ordinal);
        foreach (var value in Enum.GetValues<Signal>())
        {
            if (value != Signal.RuntimeDefault && string.Equals(
                    value.ToString(), name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }
}

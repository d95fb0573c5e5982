namespace FakeCri.Journal;

/// <summary>A journal assertion failed; the message shows expected and actual calls side by side.</summary>
public sealed class JournalAssertionException : Exception
{
    /// <summary>Creates the exception with its full, readable message.</summary>
    public JournalAssertionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a default message.</summary>
    public JournalAssertionException()
    {
    }

    /// <summary>Creates the exception with a message and the exception behind it.</summary>
    public JournalAssertionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

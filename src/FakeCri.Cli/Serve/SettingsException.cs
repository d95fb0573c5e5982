namespace FakeCri.Cli.Serve;

/// <summary>A setting has a bad value; the message names the setting and the value.</summary>
internal sealed class SettingsException : Exception
{
    public SettingsException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

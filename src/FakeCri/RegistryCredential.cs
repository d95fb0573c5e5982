namespace FakeCri;

/// <summary>The username and password a registry of the fake accepts.</summary>
public sealed record RegistryCredential(string Username, string Password);

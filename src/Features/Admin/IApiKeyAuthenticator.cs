namespace TokenConsole.Features.Admin;

/// <summary>What another feature (usage ingestion) may ask of the API keys: who, if anyone, a presented key is.</summary>
public interface IApiKeyAuthenticator
{
    /// <summary>The key's identity, or null when it is missing, unknown or revoked.</summary>
    ApiKeyIdentity? Authenticate(string? presented);
}

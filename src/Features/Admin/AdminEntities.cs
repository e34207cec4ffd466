namespace TokenConsole.Features.Admin;

/// <summary>An append-only record of a change: who, when, what, before and after.</summary>
public class AuditEntry
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    /// <summary>The stable id of who did it (Entra oid, local user id, or system:…): what the log is filtered by.</summary>
    public required string ActorId { get; set; }
    /// <summary>Their display name at the time: what the log shows.</summary>
    public required string ActorName { get; set; }
    public required string Action { get; set; }
    public required string EntityType { get; set; }
    public string? EntityId { get; set; }
    public string? BeforeJson { get; set; }
    public string? AfterJson { get; set; }
}

/// <summary>A key for the ingestion API. Only its SHA-256 hash is stored; the key is shown once.</summary>
public class ApiKey
{
    public int Id { get; set; }
    public required string Name { get; set; }
    /// <summary>The first characters of the key, so people can tell keys apart.</summary>
    public required string Prefix { get; set; }
    public required string KeyHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
    public string? CreatedById { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    /// <summary>What the key may do (<see cref="ApiScopes"/>), comma-separated. Keys from before scopes are usage:write keys.</summary>
    public string Scopes { get; set; } = ApiScopes.UsageWrite;
}

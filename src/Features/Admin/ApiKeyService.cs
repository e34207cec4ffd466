using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TokenConsole.Auth;
using TokenConsole.Data;
using TokenConsole.Data.Writes;
using TokenConsole.Features.Usage.Ingestion;

namespace TokenConsole.Features.Admin;

/// <summary>A key as the caller of an API presented it, once recognised: who it is and what it may do.</summary>
public sealed record ApiKeyIdentity(int? Id, string Name, IReadOnlySet<string> Scopes)
{
    public bool Allows(string scope) => Scopes.Contains(scope);
}

/// <summary>A key that configuration provides, as the API keys page lists it: never its secret.</summary>
public sealed record ConfiguredKeyInfo(string Name, string Source, IReadOnlySet<string> Scopes);

/// <summary>
/// API keys. A key is shown once when created and only its SHA-256 hash is stored; keys provisioned by configuration
/// (<c>ApiKeys:N:Key</c> with <c>ApiKeys:N:Scopes</c>, and the older <c>Ingestion:ApiKeys:N</c>, usage:write keys) are
/// hashed at start. Checking a key is a dictionary look-up of its hash; the last-used time is written at most once a
/// minute per key, not on every request.
/// </summary>
public sealed class ApiKeyService(IDbContextFactory<TokenConsoleDbContext> dbFactory, TimeProvider clock, IOptions<IngestionOptions> options,
    IOptions<ApiKeyOptions> keyOptions, ILogger<ApiKeyService> logger, AuditedWriter writer, IReferenceDataEvents events)
    : IApiKeyAuthenticator, IReferenceDataSubscriber, IDisposable
{
    private static readonly IReadOnlySet<string> UsageOnly = new HashSet<string>([ApiScopes.UsageWrite], StringComparer.Ordinal);

    private const string KeyPrefix = "tck_";
    // One load at a time, and each swaps in a whole new set: a key never goes missing while the set is reloaded.
    private readonly SemaphoreSlim _load = new(1, 1);
    private ConcurrentDictionary<string, ApiKeyIdentity> _active = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, DateTimeOffset> _lastUsedWritten = new();
    private readonly Dictionary<string, (ApiKeyIdentity Identity, string Source)> _configured = Configured(options.Value, keyOptions.Value);

    /// <summary>The keys provided through configuration (names, sources and scopes; never the keys nor their hashes), for the read-only list.</summary>
    /// <remarks>Configuration is read once, at start: the list is made on first use and kept (the page renders it often).</remarks>
    public IReadOnlyList<ConfiguredKeyInfo> ConfiguredKeys =>
        field ??= [.. _configured.Values.Select(k => new ConfiguredKeyInfo(k.Identity.Name, k.Source, k.Identity.Scopes)).OrderBy(k => k.Name, StringComparer.Ordinal)];

    /// <summary>ApiKeys:N first (a key named in both keeps the scopes given there), then Ingestion:ApiKeys:N as usage:write keys.</summary>
    private static Dictionary<string, (ApiKeyIdentity, string)> Configured(IngestionOptions ingestion, ApiKeyOptions keys)
    {
        var configured = new Dictionary<string, (ApiKeyIdentity, string)>(StringComparer.Ordinal);
        for (var i = 0; i < keys.Keys.Count; i++)
        {
            if (keys.Keys[i] is { Key: { Length: > 0 } secret } key && ApiScopes.Parse(key.Scopes).Scopes is { Count: > 0 } scopes)
            {
                configured.TryAdd(Hash(secret), (new ApiKeyIdentity(null, $"{ApiKeyOptions.Section}:{i}", scopes), ApiKeyOptions.Section));
            }
        }
        for (var i = 0; i < ingestion.ApiKeys.Count; i++)
        {
            if (!string.IsNullOrWhiteSpace(ingestion.ApiKeys[i]))
            {
                configured.TryAdd(Hash(ingestion.ApiKeys[i]), (new ApiKeyIdentity(null, $"configuration key {i}", UsageOnly), "Ingestion:ApiKeys"));
            }
        }
        return configured;
    }

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>Loads the hashes of the keys that are not revoked; call at start (and it is safe to call again).</summary>
    public async Task LoadAsync(CancellationToken cancellationToken = default)
    {
        await _load.WaitAsync(cancellationToken);
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var keys = await db.ApiKeys.AsNoTracking().Where(k => k.RevokedAt == null).ToListAsync(cancellationToken);
            var active = new ConcurrentDictionary<string, ApiKeyIdentity>(StringComparer.Ordinal);
            foreach (var key in keys)
            {
                active[key.KeyHash] = IdentityOf(key);
            }
            Volatile.Write(ref _active, active);
        }
        finally
        {
            _load.Release();
        }
    }

    public Task OnChangedAsync(ReferenceDataChange change, CancellationToken cancellationToken) =>
        change.Concerns(ReferenceDataKind.ApiKey) ? LoadAsync(cancellationToken) : Task.CompletedTask;

    public void Dispose() => _load.Dispose();

    /// <summary>The key's identity, or null when it is missing, unknown or revoked.</summary>
    public ApiKeyIdentity? Authenticate(string? presented)
    {
        if (string.IsNullOrEmpty(presented) || presented.Length > 200)
        {
            return null;
        }
        var hash = Hash(presented);
        if (_configured.TryGetValue(hash, out var configured))
        {
            return configured.Identity;
        }
        if (!Volatile.Read(ref _active).TryGetValue(hash, out var identity))
        {
            return null;
        }
        var now = clock.GetUtcNow();
        if (identity.Id is { } id && (!_lastUsedWritten.TryGetValue(id, out var written) || now - written > TimeSpan.FromMinutes(1)))
        {
            _lastUsedWritten[id] = now;
            _ = RecordUseAsync(id, now);
        }
        return identity;
    }

    public async Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.ApiKeys.AsNoTracking().OrderBy(k => k.RevokedAt != null).ThenByDescending(k => k.CreatedAt).ToListAsync(cancellationToken);
    }

    /// <summary>Creates a key and returns it in plain text: the only time anyone sees it. An administrator only.</summary>
    public async Task<WriteResult<CreatedApiKey>> CreateAsync(ClaimsPrincipal user, string name, IReadOnlyCollection<string> scopes, CancellationToken cancellationToken = default)
    {
        var result = await writer.WriteAsync<CreatedApiKey>(user, Policies.ManageAdmin, async w =>
        {
            name = name.Trim();
            if (name.Length is 0 or > 80)
            {
                return new Refusal("A key needs a name of 1 to 80 characters.", "name");
            }
            if (scopes.Count == 0 || scopes.Any(s => !ApiScopes.All.Contains(s)))
            {
                return new Refusal("Choose at least one scope.", "scopes");
            }
            if (await w.Db.ApiKeys.AnyAsync(k => k.Name == name && k.RevokedAt == null, cancellationToken))
            {
                return new Refusal("An active key already has this name.", "name");
            }
            var secret = KeyPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            var key = new ApiKey
            {
                Name = name, Prefix = secret[..12], KeyHash = Hash(secret), CreatedAt = w.Now, CreatedBy = w.Actor.Name, CreatedById = w.Actor.Id,
                Scopes = ApiScopes.Format(scopes),
            };
            w.Db.ApiKeys.Add(key);
            w.Audit(AuditActions.ApiKeyCreated, nameof(ApiKey), () => Key(key), null, () => ApiKeySnapshot.Of(key));
            return new CreatedApiKey(key, secret);
        }, cancellationToken);
        if (result.Value is { } created)
        {
            // Only once committed does the key authenticate.
            _active[created.Key.KeyHash] = IdentityOf(created.Key);
            await events.PublishAsync(ReferenceDataKind.ApiKey);
        }
        return result;
    }

    public async Task<WriteResult<Done>> RevokeAsync(ClaimsPrincipal user, int id, CancellationToken cancellationToken = default)
    {
        string? revokedHash = null;
        var result = await writer.WriteAsync<Done>(user, Policies.ManageAdmin, async w =>
        {
            var key = await w.Db.ApiKeys.SingleOrDefaultAsync(k => k.Id == id, cancellationToken);
            if (key is null)
            {
                return new Refusal("There is no such API key.");
            }
            if (key.RevokedAt is not null)
            {
                return Done.Value;
            }
            var before = ApiKeySnapshot.Of(key);
            key.RevokedAt = w.Now;
            w.Audit(AuditActions.ApiKeyRevoked, nameof(ApiKey), Key(key), before, ApiKeySnapshot.Of(key));
            revokedHash = key.KeyHash;
            return Done.Value;
        }, cancellationToken);
        if (result.Succeeded && revokedHash is not null)
        {
            _active.TryRemove(revokedHash, out _);
            await events.PublishAsync(ReferenceDataKind.ApiKey);
        }
        return result;
    }

    private static string Key(ApiKey key) => key.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static ApiKeyIdentity IdentityOf(ApiKey key) => new(key.Id, key.Name, ApiScopes.Parse(key.Scopes).Scopes ?? new HashSet<string>());

    private async Task RecordUseAsync(int id, DateTimeOffset at)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync();
            await db.ApiKeys.Where(k => k.Id == id).ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, at));
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException)
        {
            // The time of last use is information, not accounting: a failed update must not fail the request.
            logger.LogWarning(ex, "Could not record the use of API key {KeyId}", id);
        }
    }
}

/// <summary>A key just created, with its secret (shown once).</summary>
public sealed record CreatedApiKey(ApiKey Key, string Secret);

/// <summary>What the audit log records of an API key (never the key nor its hash).</summary>
public sealed record ApiKeySnapshot(string Name, string Prefix, string Scopes, bool Revoked)
{
    public static ApiKeySnapshot Of(ApiKey key) => new(key.Name, key.Prefix, key.Scopes, key.RevokedAt is not null);
}

using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using TokenConsole.Data;
using TokenConsole.Data.Writes;

namespace TokenConsole.Features.Admin;

/// <summary>API keys. Users: <see cref="UserAdminService"/>; the audit log: <see cref="AuditLogService"/>.</summary>
public sealed class AdminService(IDbContextFactory<TokenConsoleDbContext> dbFactory)
{
    public async Task<IReadOnlyList<ApiKey>> ApiKeysAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.ApiKeys.AsNoTracking().OrderByDescending(k => k.CreatedAt).ToListAsync(cancellationToken);
    }
}

/// <summary>
/// Builds audit entries. Changes record theirs through <see cref="TokenConsole.Data.Writes.WriteContext.Audit(string, string, string?, object?, object?)"/>
/// of the one write path, inside the transaction of the change. There is deliberately no method that edits or deletes an entry.
/// </summary>
public static class Audit
{
    /// <summary>Enum values by name (a reader sees "Active", not 2); the diff flattens nested records.</summary>
    public static readonly JsonSerializerOptions Json = new() { WriteIndented = false, Converters = { new JsonStringEnumConverter() } };

    public static AuditEntry Entry(DateTimeOffset at, Actor actor, string action, string entityType, string? entityId, object? before = null, object? after = null) => new()
    {
        At = at, ActorId = actor.Id, ActorName = actor.Name, Action = action, EntityType = entityType, EntityId = entityId,
        BeforeJson = before is null ? null : JsonSerializer.Serialize(before, before.GetType(), Json),
        AfterJson = after is null ? null : JsonSerializer.Serialize(after, after.GetType(), Json),
    };

    /// <summary>Adds an entry to a unit of work the caller saves (start-up work that runs outside any person's request).</summary>
    public static void Record(TokenConsoleDbContext db, TimeProvider clock, Actor actor, string action, string entityType, string? entityId,
        object? before = null, object? after = null) =>
        db.AuditEntries.Add(Entry(clock.GetUtcNow(), actor, action, entityType, entityId, before, after));
}

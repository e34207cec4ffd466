using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using TokenConsole.Auth;
using TokenConsole.Data;

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
/// Appends to the audit log inside the caller's unit of work, so the change and its record are saved together or not
/// at all. There is deliberately no method that edits or deletes an entry.
/// </summary>
public static class Audit
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    public static void Record(TokenConsoleDbContext db, TimeProvider clock, string actor, string action, string entityType, string? entityId,
        object? before = null, object? after = null)
    {
        db.AuditEntries.Add(new AuditEntry
        {
            At = clock.GetUtcNow(), Actor = actor, Action = action, EntityType = entityType, EntityId = entityId,
            BeforeJson = before is null ? null : JsonSerializer.Serialize(before, Json),
            AfterJson = after is null ? null : JsonSerializer.Serialize(after, Json),
        });
    }
}

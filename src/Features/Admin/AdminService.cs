using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using TokenConsole.Auth;
using TokenConsole.Data;

namespace TokenConsole.Features.Admin;

public sealed record UserRow(string Id, string UserName, string DisplayName, string? Role, bool Disabled, bool LockedOut);

/// <summary>Users, API keys and the audit log.</summary>
public sealed class AdminService(IDbContextFactory<TokenConsoleDbContext> dbFactory, TimeProvider clock)
{
    public async Task<IReadOnlyList<UserRow>> UsersAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var roleOf = await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id select new { ur.UserId, r.Name })
            .ToListAsync(cancellationToken);
        var users = await db.Users.AsNoTracking().OrderBy(u => u.UserName).ToListAsync(cancellationToken);
        var now = clock.GetUtcNow();
        return [.. users.Select(u => new UserRow(u.Id, u.UserName ?? "", u.DisplayName, roleOf.FirstOrDefault(r => r.UserId == u.Id)?.Name,
            u.IsDisabled, u.LockoutEnd > now))];
    }

    public async Task<IReadOnlyList<ApiKey>> ApiKeysAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.ApiKeys.AsNoTracking().OrderByDescending(k => k.CreatedAt).ToListAsync(cancellationToken);
    }

    /// <summary>One page of the audit log, newest first.</summary>
    public async Task<(IReadOnlyList<AuditEntry> Items, int Total)> AuditAsync(int page, int pageSize, string? actor, string? entityType, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = db.AuditEntries.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(actor))
        {
            query = query.Where(a => a.Actor == actor);
        }
        if (!string.IsNullOrWhiteSpace(entityType))
        {
            query = query.Where(a => a.EntityType == entityType);
        }
        var total = await query.CountAsync(cancellationToken);
        var items = await query.OrderByDescending(a => a.Id).Skip(page * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        return (items, total);
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

public static class AdminServiceCollectionExtensions
{
    public static void AddAdmin(this WebApplicationBuilder builder) => builder.Services.AddScoped<AdminService>();
}

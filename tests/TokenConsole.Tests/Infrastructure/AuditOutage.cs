using Microsoft.EntityFrameworkCore;
using TokenConsole.Data;

namespace TokenConsole.Tests.Infrastructure;

/// <summary>
/// Makes every insert into the audit log fail, as a full disk or a broken constraint would, until disposed: a change
/// whose audit entry cannot be written must not be saved either.
/// </summary>
public sealed class AuditOutage : IDisposable
{
    private readonly IDbContextFactory<TokenConsoleDbContext> _database;

    private AuditOutage(IDbContextFactory<TokenConsoleDbContext> database)
    {
        _database = database;
        using var db = database.CreateDbContext();
        FailingInsert.CreateAsync(db, "fail_audit", "AuditEntries", condition: null, "audit down").GetAwaiter().GetResult();
    }

    public static AuditOutage Start(IDbContextFactory<TokenConsoleDbContext> database) => new(database);

    public void Dispose()
    {
        using var db = _database.CreateDbContext();
        FailingInsert.DropAsync(db, "fail_audit", "AuditEntries").GetAwaiter().GetResult();
    }
}

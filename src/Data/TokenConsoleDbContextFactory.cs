using Microsoft.EntityFrameworkCore;
using Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure.Internal;
using TokenConsole.Data.PostgreSQL;

namespace TokenConsole.Data;

/// <summary>
/// Every context the console makes comes from here: options for PostgreSQL make a <see cref="PostgresTokenConsoleDbContext"/>
/// (whose migrations are PostgreSQL's), any other a <see cref="TokenConsoleDbContext"/>. Services keep asking for
/// <c>IDbContextFactory&lt;TokenConsoleDbContext&gt;</c> and never learn which.
/// </summary>
public sealed class TokenConsoleDbContextFactory(DbContextOptions<TokenConsoleDbContext> options) : IDbContextFactory<TokenConsoleDbContext>
{
    public TokenConsoleDbContext CreateDbContext() => Create(options);

    public static TokenConsoleDbContext Create(DbContextOptions<TokenConsoleDbContext> options) =>
        IsPostgreSQL(options) ? new PostgresTokenConsoleDbContext(options) : new TokenConsoleDbContext(options);

#pragma warning disable EF1001 // The provider's options extension is the one mark of which provider the options are for.
    public static bool IsPostgreSQL(DbContextOptions options) => options.FindExtension<NpgsqlOptionsExtension>() is not null;
#pragma warning restore EF1001
}

/// <summary>
/// For <c>dotnet ef</c> on the SQLite context (<c>--context TokenConsole.Data.TokenConsoleDbContext</c>): without it the
/// tool took PostgreSQL's design-time factory for its base type too and wrote SQLite's migrations for PostgreSQL. The model
/// is built from the configurations (not the compiled model, which the tool regenerates from this), and nothing is opened.
/// </summary>
public sealed class TokenConsoleDbContextDesignFactory : Microsoft.EntityFrameworkCore.Design.IDesignTimeDbContextFactory<TokenConsoleDbContext>
{
    public TokenConsoleDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<TokenConsoleDbContext>().UseSqlite("Data Source=design-time.db").Options);
}

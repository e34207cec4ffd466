using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Migrations;

namespace TokenConsole.Data.PostgreSQL;

/// <summary>
/// The console's model on PostgreSQL. The same entities and the same stored shapes as on SQLite — times as UTC ticks,
/// money and decimals as integer millionths — so that the hand-written SQL of the hot paths reads the same numbers on
/// both; a type of its own only because EF keeps migrations per context type, and PostgreSQL's are its own
/// (<c>src/Data/PostgreSQL/Migrations</c>: <c>dotnet ef migrations add X --context PostgresTokenConsoleDbContext
/// --output-dir src/Data/PostgreSQL/Migrations</c>).
/// </summary>
public sealed class PostgresTokenConsoleDbContext(DbContextOptions<TokenConsoleDbContext> options) : TokenConsoleDbContext(options)
{
    protected override void OnConfiguring(DbContextOptionsBuilder optionsBuilder) =>
        optionsBuilder.ReplaceService<IMigrationsSqlGenerator, ConsolePostgresMigrationsSqlGenerator>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        base.ConfigureConventions(configurationBuilder);
        // Npgsql maps uint to xid (the type of PostgreSQL's xmin), which has no arithmetic; the row versions the console
        // bumps itself are plain integers, as on SQLite.
        configurationBuilder.Properties<uint>().HaveConversion<long>();
    }
}

/// <summary>For <c>dotnet ef</c>: the migrations are made from the model alone, so the connection string is never opened.</summary>
public sealed class PostgresTokenConsoleDbContextDesignFactory : IDesignTimeDbContextFactory<PostgresTokenConsoleDbContext>
{
    public PostgresTokenConsoleDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<TokenConsoleDbContext>().UseNpgsql("Host=localhost;Database=tokenconsole_design").Options);
}

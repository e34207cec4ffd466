using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using TokenConsole.Data.Seeding;

namespace TokenConsole.Data;

public static class DataServiceCollectionExtensions
{
    public const string ConnectionStringName = "TokenConsole";

    public static void AddDatabase(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<Writes.AuditedWriter>();
        // Read when the first context is made, so that hosts and tests can still change the configuration.
        builder.Services.AddDbContextFactory<TokenConsoleDbContext>((services, options) =>
        {
            var configuration = services.GetRequiredService<IConfiguration>();
            var environment = services.GetRequiredService<IWebHostEnvironment>();
            options.UseSqlite(ResolveConnectionString(
                configuration.GetConnectionString(ConnectionStringName) ?? "Data Source=data/tokenconsole.db", environment.ContentRootPath));
        });
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.Configure<DemoOptions>(builder.Configuration.GetSection(DemoOptions.Section));
        builder.Services.AddTransient<DatabaseInitializer>();
        builder.Services.AddTransient<DemoDataSeeder>();
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
    }

    /// <summary>A relative SQLite file is taken relative to the content root (the repository root), and its folder is created.</summary>
    public static string ResolveConnectionString(string connectionString, string contentRoot)
    {
        var csb = new SqliteConnectionStringBuilder(connectionString);
        if (!string.IsNullOrEmpty(csb.DataSource) && csb.DataSource != ":memory:" && csb.Mode != SqliteOpenMode.Memory)
        {
            var path = Path.IsPathRooted(csb.DataSource) ? csb.DataSource : Path.Combine(contentRoot, csb.DataSource);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            csb.DataSource = path;
        }
        return csb.ToString();
    }

    public static async Task InitializeDatabaseAsync(this WebApplication app)
    {
        var stopwatch = Stopwatch.StartNew();
        await using var scope = app.Services.CreateAsyncScope();
        var seeded = await scope.ServiceProvider.GetRequiredService<DatabaseInitializer>().InitializeAsync(CancellationToken.None);
        await app.Services.GetRequiredService<Features.Pricing.PriceBookProvider>().ReloadAsync();
        app.Logger.LogInformation("Database ready in {ElapsedMs} ms (demo data seeded now: {Seeded})", stopwatch.ElapsedMilliseconds, seeded);
    }

    public static void MapDatabaseHealth(this WebApplication app) =>
        app.MapHealthChecks("/health").AllowAnonymous();
}

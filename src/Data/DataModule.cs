using System.Diagnostics;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using TokenConsole.Data.Seeding;

namespace TokenConsole.Data;

/// <summary>The database, its start-up migration and seeding, health, and the reference-data events every feature's caches share.</summary>
public static class DataModule
{
    public const string ConnectionStringName = "TokenConsole";

    /// <summary>The health checks <c>/health/ready</c> runs; <c>/health/live</c> runs none.</summary>
    public const string ReadyTag = "ready";

    public static void AddData(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<Writes.AuditedWriter>();
        // Read when the first context is made, so that hosts and tests can still change the configuration.
        builder.Services.AddDbContextFactory<TokenConsoleDbContext, TokenConsoleDbContextFactory>((services, options) =>
        {
            var configuration = services.GetRequiredService<IConfiguration>();
            Configure(options, DatabaseProviders.Of(configuration), configuration.GetConnectionString(ConnectionStringName),
                services.GetRequiredService<IHostEnvironment>().ContentRootPath);
        });
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.Configure<DemoOptions>(builder.Configuration.GetSection(DemoOptions.Section));
        builder.Services.AddTransient<DatabaseInitializer>();
        builder.Services.AddTransient<DemoDataSeeder>();
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: [ReadyTag]);
        builder.Services.AddHealthChecks().AddCheck<Cluster.JobLeaseHealthCheck>("jobs", tags: [ReadyTag]);
        // The last line of defence: every background loop catches, logs and backs off by itself (issue 12), so an
        // exception that still escapes one is a bug to log, not a reason to stop serving everything else.
        builder.Services.Configure<HostOptions>(options => options.BackgroundServiceExceptionBehavior = BackgroundServiceExceptionBehavior.Ignore);
        builder.Services.AddSingleton<ReferenceDataEvents>();
        builder.Services.AddSingleton<IReferenceDataEvents>(services => services.GetRequiredService<ReferenceDataEvents>());
        builder.Services.AddHostedService<ReferenceDataRefresher>();
        AddCluster(builder.Services);
    }

    /// <summary>
    /// More than one instance on one PostgreSQL database (issue 15): the job lease (first, so that the jobs registered
    /// after it find it decided), the signals between instances and their listener, and the Data Protection keys in
    /// the database, so that a cookie one instance issued is read by any other. On SQLite the lease is simply held and
    /// no signal is sent.
    /// </summary>
    private static void AddCluster(IServiceCollection services)
    {
        services.AddSingleton<Cluster.JobLease>();
        services.AddHostedService<Cluster.PostgresJobLeaseKeeper>();
        services.AddSingleton<Cluster.ClusterSignals>();
        services.AddHostedService<Cluster.PostgresSignalListener>();
        services.AddSingleton<Cluster.IClusterSignalHandler, Cluster.ReferenceDataRelay>();
        services.AddDataProtection().SetApplicationName("TokenConsole").PersistKeysToDbContext<TokenConsoleDbContext>();
    }

    /// <summary>The options of every context: the provider, its connection, and what start-up needs of each.</summary>
    public static void Configure(DbContextOptionsBuilder options, DatabaseProvider provider, string? connectionString, string contentRoot)
    {
        // Migrate would otherwise build the last migration's model and diff it with this one at every start (0.4 s
        // of the first-start budget); SchemaTests asserts that there is no model change without a migration.
        options.ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));
        if (provider == DatabaseProvider.PostgreSQL)
        {
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new InvalidOperationException(
                    "Database:Provider is PostgreSQL but ConnectionStrings:TokenConsole is empty; set it, e.g. Host=127.0.0.1;Database=tokenconsole;Username=tc;Password=….");
            }
            options.UseNpgsql(connectionString);
            return;
        }
        options.UseSqlite(ResolveConnectionString(connectionString ?? "Data Source=data/tokenconsole.db", contentRoot));
        // The compiled model (SQLite's; `dotnet ef dbcontext optimize`, kept current by SchemaTests): building the
        // model from the configurations took ~1 s of every start. PostgreSQL's context builds its model at start.
        options.UseModel(CompiledModel.TokenConsoleDbContextModel.Instance);
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
        bool seeded;
        await using (await Cluster.StartupLock.TakeAsync(app.Configuration, CancellationToken.None))
        {
            seeded = await scope.ServiceProvider.GetRequiredService<DatabaseInitializer>().InitializeAsync(CancellationToken.None);
        }
        // Every cache loads what the database now holds before the server takes its first request.
        await app.Services.GetRequiredService<IReferenceDataEvents>().PublishAsync(ReferenceDataChange.Everything);
        app.Logger.LogInformation("Database ready in {ElapsedMs} ms (demo data seeded now: {Seeded})", stopwatch.ElapsedMilliseconds, seeded);
        if (seeded)
        {
            // The seeding's working set (hundreds of MiB at 20,000 customers, all garbage now) would otherwise stay
            // committed until load makes the GC shrink its heaps: give it back to the system once, before serving.
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }
    }

    /// <summary>
    /// <c>/health/live</c>: the process answers (no dependency checked; a failure means restart it).
    /// <c>/health/ready</c>: the database answers and takes a write, and the usage writer's last commit succeeded (a
    /// failure means send no traffic). <c>/health</c> stays as an alias of ready for existing probes.
    /// </summary>
    public static void MapData(this IEndpointRouteBuilder endpoints)
    {
        var ready = new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag), ResponseWriter = HealthResponse.WriteAsync };
        endpoints.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthResponse.WriteAsync }).AllowAnonymous();
        endpoints.MapHealthChecks("/health/ready", ready).AllowAnonymous();
        endpoints.MapHealthChecks("/health", ready).AllowAnonymous();
    }
}

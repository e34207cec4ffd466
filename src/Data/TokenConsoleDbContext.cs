using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using TokenConsole.Auth;
using TokenConsole.Data.Schema;
using TokenConsole.Features.Admin;
using TokenConsole.Features.Billing;
using TokenConsole.Features.Catalog;
using TokenConsole.Features.Compute;
using TokenConsole.Features.Customers;
using TokenConsole.Features.Pricing;
using TokenConsole.Features.Usage;

namespace TokenConsole.Data;

public class TokenConsoleDbContext(DbContextOptions<TokenConsoleDbContext> options) : IdentityDbContext<ConsoleUser>(options), IDataProtectionKeyContext
{
    /// <summary>The Data Protection key ring (cookies, antiforgery, circuits), shared by every instance on the database.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<Region> Regions => Set<Region>();
    public DbSet<Industry> Industries => Set<Industry>();
    public DbSet<Customer> Customers => Set<Customer>();
    public DbSet<Subscription> Subscriptions => Set<Subscription>();
    public DbSet<AiModel> Models => Set<AiModel>();
    public DbSet<ComputePool> Pools => Set<ComputePool>();
    public DbSet<Deployment> Deployments => Set<Deployment>();
    public DbSet<TokenPackage> Packages => Set<TokenPackage>();
    public DbSet<PackageVersion> PackageVersions => Set<PackageVersion>();
    public DbSet<UsageEvent> UsageEvents => Set<UsageEvent>();
    public DbSet<UsageRollup> UsageRollups => Set<UsageRollup>();
    public DbSet<CustomerDailyUsage> CustomerDailyUsage => Set<CustomerDailyUsage>();
    public DbSet<CustomerDailyRuleEffect> CustomerDailyRuleEffects => Set<CustomerDailyRuleEffect>();
    public DbSet<RegionIndustryDaily> RegionIndustryDaily => Set<RegionIndustryDaily>();
    public DbSet<PackageModelDaily> PackageModelDaily => Set<PackageModelDaily>();
    public DbSet<RegionIndustryMonthly> RegionIndustryMonthly => Set<RegionIndustryMonthly>();
    public DbSet<RegionIndustryHourly> RegionIndustryHourly => Set<RegionIndustryHourly>();
    public DbSet<CustomerMonthly> CustomerMonthly => Set<CustomerMonthly>();
    public DbSet<PriceRuleSetVersion> PriceRuleSetVersions => Set<PriceRuleSetVersion>();
    public DbSet<PriceChange> PriceChanges => Set<PriceChange>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<SubscriptionTerm> SubscriptionTerms => Set<SubscriptionTerm>();
    public DbSet<AllowanceBucket> AllowanceBuckets => Set<AllowanceBucket>();
    public DbSet<CustomerNotification> CustomerNotifications => Set<CustomerNotification>();
    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();
    public DbSet<OrderRequest> OrderRequests => Set<OrderRequest>();
    public DbSet<RevenueDaily> RevenueDaily => Set<RevenueDaily>();
    public DbSet<JobWatermark> JobWatermarks => Set<JobWatermark>();
    public DbSet<Bill> Bills => Set<Bill>();
    public DbSet<BillLine> BillLines => Set<BillLine>();
    public DbSet<BillLineRuleEffect> BillLineRuleEffects => Set<BillLineRuleEffect>();
    public DbSet<CreditNote> CreditNotes => Set<CreditNote>();
    public DbSet<BillRun> BillRuns => Set<BillRun>();

    // The schema annotations (WITHOUT ROWID, append-only) become SQL in the migrations of every context, whoever made
    // its options: the app, a test or a benchmark. PostgreSQL (issue 15) will bring its own generator.
    protected override void OnConfiguring(DbContextOptionsBuilder optionsBuilder) =>
        optionsBuilder.ReplaceService<IMigrationsSqlGenerator, ConsoleSqliteMigrationsSqlGenerator>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite has no date or decimal type: EF would store both as text, which cannot be compared,
        // ordered or summed in SQL. Times become UTC ticks; a decimal (a price, a cost, a multiplier, a percentage)
        // becomes an INTEGER of millionths, exact, never a double (issue 11).
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeTicksConverter>();
        configurationBuilder.Properties<decimal>().HaveConversion<MillionthsConverter>();
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(TokenConsoleDbContext).Assembly);
    }

    /// <summary>Bumps the version of every modified entity that has one, so concurrent edits are detected.</summary>
    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        foreach (var entry in ChangeTracker.Entries())
        {
            if (entry.State == EntityState.Modified && entry.Metadata.FindProperty("Version") is { } property && property.ClrType == typeof(uint))
            {
                var current = (uint)entry.Property("Version").CurrentValue!;
                entry.Property("Version").CurrentValue = current + 1;
            }
        }
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    /// <summary>
    /// A decimal as an integer count of millionths. A value with more decimals cannot be stored exactly: the forms refuse
    /// it (<see cref="Fits"/>), and one that slips through throws here rather than being rounded silently.
    /// </summary>
    public sealed class MillionthsConverter() : ValueConverter<decimal, long>(v => ToMillionths(v), v => FromMillionths(v))
    {
        public const int Decimals = 6;
        private const decimal Scale = 1_000_000m;

        /// <summary>True when the value has at most six decimals and fits the column, so it is stored exactly.</summary>
        public static bool Fits(decimal value) =>
            // The magnitude first: beyond it, value × 10⁶ would overflow decimal itself instead of answering false.
            Math.Abs(value) <= long.MaxValue / Scale && decimal.Truncate(value * Scale) == value * Scale;

        public static long ToMillionths(decimal value)
        {
            if (!Fits(value))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "A stored decimal may have at most six decimals; it is not rounded.");
            }
            return (long)(value * Scale);
        }

        // Dividing by 1.000…0 drops the trailing zeros (99.900000 → 99.9), so a value reads back as it was typed.
        public static decimal FromMillionths(long value) => value / Scale / 1.000000000000000000000000000000000m;
    }

    internal sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
        v => v.UtcTicks, v => new DateTimeOffset(v, TimeSpan.Zero));

    internal sealed class UtcDateTimeTicksConverter() : ValueConverter<DateTime, long>(
        v => v.Ticks, v => new DateTime(v, DateTimeKind.Utc));
}

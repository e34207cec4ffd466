using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace TokenConsole.Features.Usage;

internal sealed class UsageEventConfiguration : IEntityTypeConfiguration<UsageEvent>
{
    public void Configure(EntityTypeBuilder<UsageEvent> b)
    {
        // The event id is the idempotency key: the unique index is what makes a retry a duplicate.
        b.HasIndex(e => e.EventId).IsUnique();
        b.Property(e => e.EventId).HasMaxLength(128);
        b.HasIndex(e => e.Timestamp);
    }
}

internal sealed class UsageRollupConfiguration : IEntityTypeConfiguration<UsageRollup>
{
    public void Configure(EntityTypeBuilder<UsageRollup> b)
    {
        b.HasKey(r => new { r.Hour, r.RegionCode, r.IndustryCode, r.ModelId, r.PackageId, r.PoolId });
    }
}

internal sealed class CustomerDailyUsageConfiguration : IEntityTypeConfiguration<CustomerDailyUsage>
{
    public void Configure(EntityTypeBuilder<CustomerDailyUsage> b)
    {
        b.ToTable("CustomerDailyUsage");
        b.HasKey(r => new { r.Day, r.CustomerId, r.ModelId });
    }
}

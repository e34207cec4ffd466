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
    }
}

internal sealed class UsageRollupConfiguration : IEntityTypeConfiguration<UsageRollup>
{
    public void Configure(EntityTypeBuilder<UsageRollup> b)
    {
        b.HasKey(r => new { r.Hour, r.RegionCode, r.IndustryCode, r.ModelId, r.PackageId, r.PoolId });
        // The drill-down of one heatmap cell, and the model and package filters, read by these.
        b.HasIndex(r => new { r.RegionCode, r.IndustryCode, r.Hour });
        b.HasIndex(r => new { r.ModelId, r.Hour });
        b.HasIndex(r => new { r.PackageId, r.Hour });
    }
}

internal sealed class RegionIndustryDailyConfiguration : IEntityTypeConfiguration<RegionIndustryDaily>
{
    public void Configure(EntityTypeBuilder<RegionIndustryDaily> b)
    {
        b.ToTable("RegionIndustryDaily");
        b.HasKey(r => new { r.Day, r.RegionCode, r.IndustryCode, r.Segment });
        // Stored as the enum's number: part of a key that is written on every ingestion batch.
        b.Property(r => r.Segment).HasConversion<int>();
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

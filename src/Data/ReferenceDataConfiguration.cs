using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace TokenConsole.Data;

internal sealed class RegionConfiguration : IEntityTypeConfiguration<Region>
{
    public void Configure(EntityTypeBuilder<Region> b)
    {
        b.HasKey(r => r.Code);
        b.Property(r => r.Code).HasMaxLength(8);
        b.Property(r => r.MacroRegion).HasConversion<string>().HasMaxLength(16);
    }
}

internal sealed class IndustryConfiguration : IEntityTypeConfiguration<Industry>
{
    public void Configure(EntityTypeBuilder<Industry> b)
    {
        b.HasKey(i => i.Code);
        b.Property(i => i.Code).HasMaxLength(32);
    }
}

internal sealed class CustomerConfiguration : IEntityTypeConfiguration<Customer>
{
    public void Configure(EntityTypeBuilder<Customer> b)
    {
        b.HasIndex(c => c.Code).IsUnique();
        b.Property(c => c.Segment).HasConversion<string>().HasMaxLength(24);
        b.HasOne(c => c.Region).WithMany().HasForeignKey(c => c.RegionCode).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(c => c.Industry).WithMany().HasForeignKey(c => c.IndustryCode).OnDelete(DeleteBehavior.Restrict);
        b.Property(c => c.Code).HasMaxLength(32);
        b.Property(c => c.Name).HasMaxLength(200);
        b.Property(c => c.NameZh).HasMaxLength(200);
        b.Property(c => c.Status).HasConversion<string>().HasMaxLength(16);
        b.Property(c => c.AccountManagerId).HasMaxLength(450);
        b.HasIndex(c => c.AccountManagerId);
        b.Property(c => c.Version).IsConcurrencyToken();
    }
}

internal sealed class SubscriptionConfiguration : IEntityTypeConfiguration<Subscription>
{
    public void Configure(EntityTypeBuilder<Subscription> b)
    {
        b.Property(s => s.Status).HasConversion<string>().HasMaxLength(16);
        b.HasOne(s => s.Customer).WithMany(c => c.Subscriptions).HasForeignKey(s => s.CustomerId);
        b.HasOne<Features.Catalog.TokenPackage>().WithMany().HasForeignKey(s => s.PackageId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Features.Catalog.PackageVersion>().WithMany().HasForeignKey(s => s.PackageVersionId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(s => new { s.PackageId, s.Status });
        b.HasIndex(s => s.CustomerId);
        b.HasMany(s => s.Terms).WithOne().HasForeignKey(t => t.SubscriptionId);
        b.Property(s => s.Version).IsConcurrencyToken();
    }
}

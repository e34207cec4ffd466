using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace TokenConsole.Features.Catalog;

internal sealed class TokenPackageConfiguration : IEntityTypeConfiguration<TokenPackage>
{
    public void Configure(EntityTypeBuilder<TokenPackage> b)
    {
        b.ToTable("Packages");
        b.HasIndex(p => p.Code).IsUnique();
        b.Property(p => p.Code).HasMaxLength(48);
        b.Property(p => p.Segment).HasConversion<string>().HasMaxLength(24);
        b.Property(p => p.Status).HasConversion<string>().HasMaxLength(16);
        b.Property(p => p.Kind).HasConversion<string>().HasMaxLength(16);
        b.HasMany(p => p.Versions).WithOne(v => v.Package).HasForeignKey(v => v.PackageId);
        b.HasOne(p => p.ActiveVersion).WithMany().HasForeignKey(p => p.ActiveVersionId).OnDelete(DeleteBehavior.Restrict);
        b.Property(p => p.Version).IsConcurrencyToken();
    }
}

internal sealed class PackageVersionConfiguration : IEntityTypeConfiguration<PackageVersion>
{
    public void Configure(EntityTypeBuilder<PackageVersion> b)
    {
        b.HasIndex(v => new { v.PackageId, v.Number }).IsUnique();
        b.Property(v => v.Status).HasConversion<string>().HasMaxLength(16);
        b.Property(v => v.BillingPeriod).HasConversion<string>().HasMaxLength(16);
        b.Property(v => v.TierModel).HasConversion<string>().HasMaxLength(16);
        b.Property(v => v.WhenExhausted).HasConversion<string>().HasMaxLength(16);
        b.Property(v => v.CreatedBy).HasMaxLength(64);
        b.HasIndex(v => new { v.Status, v.EffectiveFrom });
        b.HasMany(v => v.Tiers).WithOne().HasForeignKey(t => t.PackageVersionId);
        b.HasMany(v => v.Entitlements).WithOne().HasForeignKey(e => e.PackageVersionId);
        b.Ignore(v => v.UnitPricePerMTok);
        b.Property(v => v.Version).IsConcurrencyToken();
    }
}

internal sealed class ModelEntitlementConfiguration : IEntityTypeConfiguration<ModelEntitlement>
{
    public void Configure(EntityTypeBuilder<ModelEntitlement> b)
    {
        b.HasIndex(e => new { e.PackageVersionId, e.ModelId }).IsUnique();
        b.HasOne<Compute.AiModel>().WithMany().HasForeignKey(e => e.ModelId).OnDelete(DeleteBehavior.Restrict);
    }
}

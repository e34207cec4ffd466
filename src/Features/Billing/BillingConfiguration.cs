using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using TokenConsole.Data.Schema;

namespace TokenConsole.Features.Billing;

internal sealed class RevenueDailyConfiguration : IEntityTypeConfiguration<RevenueDaily>
{
    public void Configure(EntityTypeBuilder<RevenueDaily> b)
    {
        b.ToTable("RevenueDaily");
        b.HasKey(r => new { r.Day, r.CustomerId, r.PackageId });
        b.HasIndex(r => new { r.CustomerId, r.Day });
        b.Property(r => r.RegionCode).HasMaxLength(8);
        b.Property(r => r.IndustryCode).HasMaxLength(32);
        b.IsWithoutRowId();
    }
}

internal sealed class JobWatermarkConfiguration : IEntityTypeConfiguration<JobWatermark>
{
    public void Configure(EntityTypeBuilder<JobWatermark> b)
    {
        b.HasKey(w => w.Job);
        b.Property(w => w.Job).HasMaxLength(64);
    }
}

internal sealed class BillConfiguration : IEntityTypeConfiguration<Bill>
{
    public void Configure(EntityTypeBuilder<Bill> b)
    {
        // One bill per customer and month: a bill run that is repeated or resumed after a kill cannot issue a second.
        b.HasIndex(x => new { x.CustomerId, x.Period }).IsUnique();
        b.HasIndex(x => x.BillNo).IsUnique();
        b.HasIndex(x => x.Period);
        b.Property(x => x.BillNo).HasMaxLength(48);
        b.HasMany(x => x.Lines).WithOne().HasForeignKey(l => l.BillId);
        b.HasOne<Data.Customer>().WithMany().HasForeignKey(x => x.CustomerId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class BillLineConfiguration : IEntityTypeConfiguration<BillLine>
{
    public void Configure(EntityTypeBuilder<BillLine> b)
    {
        b.Property(l => l.Kind).HasConversion<string>().HasMaxLength(16);
        b.Property(l => l.Detail).HasMaxLength(2000);
        b.HasIndex(l => new { l.BillId, l.Number }).IsUnique();
        b.HasMany(l => l.RuleEffects).WithOne().HasForeignKey(e => e.BillLineId);
    }
}

internal sealed class BillLineRuleEffectConfiguration : IEntityTypeConfiguration<BillLineRuleEffect>
{
    public void Configure(EntityTypeBuilder<BillLineRuleEffect> b)
    {
        b.Property(e => e.RuleName).HasMaxLength(200);
        b.HasIndex(e => e.BillLineId);
    }
}

internal sealed class CreditNoteConfiguration : IEntityTypeConfiguration<CreditNote>
{
    public void Configure(EntityTypeBuilder<CreditNote> b)
    {
        b.Property(c => c.Status).HasConversion<string>().HasMaxLength(24);
        b.Property(c => c.Reason).HasMaxLength(500);
        b.Property(c => c.DecisionComment).HasMaxLength(500);
        b.Property(c => c.ProposedById).HasMaxLength(450);
        b.Property(c => c.DecidedById).HasMaxLength(450);
        b.HasIndex(c => new { c.CustomerId, c.Status });
        b.HasIndex(c => c.Status);
        b.HasOne<Bill>().WithMany().HasForeignKey(c => c.BillId).OnDelete(DeleteBehavior.Restrict);
        b.Property(c => c.Version).IsConcurrencyToken();
    }
}

internal sealed class BillRunConfiguration : IEntityTypeConfiguration<BillRun>
{
    public void Configure(EntityTypeBuilder<BillRun> b)
    {
        b.HasIndex(r => r.Period);
        b.Property(r => r.StartedById).HasMaxLength(450);
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using TokenConsole.Data.Schema;

namespace TokenConsole.Features.Admin;

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> b)
    {
        // Append-only in the database itself: an UPDATE or DELETE of an entry aborts, whoever sends it.
        b.IsAppendOnly();
        b.HasIndex(a => a.At);
        b.HasIndex(a => a.ActorId);
        b.HasIndex(a => new { a.EntityType, a.EntityId });
    }
}

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> b)
    {
        b.HasIndex(k => k.KeyHash).IsUnique();
        b.Property(k => k.Scopes).HasMaxLength(200).HasDefaultValue(ApiScopes.UsageWrite);
    }
}

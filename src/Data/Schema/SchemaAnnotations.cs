using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace TokenConsole.Data.Schema;

/// <summary>
/// What the schema needs and EF Core cannot declare, declared as annotations on the entity types so that it lives in
/// the model (and in every migration's snapshot) instead of in hand-written SQL beside it.
/// <see cref="ConsoleSqliteMigrationsSqlGenerator"/> turns them into SQL whenever a migration creates the table,
/// including the rebuilds SQLite needs to change a column.
/// </summary>
public static class SchemaAnnotations
{
    public const string WithoutRowId = "TokenConsole:WithoutRowId";
    public const string AppendOnly = "TokenConsole:AppendOnly";

    /// <summary>
    /// A SQLite WITHOUT ROWID table (https://sqlite.org/withoutrowid.html): its rows live in the primary key's B-tree,
    /// so an upsert by key touches one B-tree instead of two. For the rollup tables that ingestion upserts per event.
    /// </summary>
    public static EntityTypeBuilder<T> IsWithoutRowId<T>(this EntityTypeBuilder<T> builder) where T : class =>
        builder.HasAnnotation(WithoutRowId, true);

    /// <summary>Rows may be inserted, never updated or deleted — by anyone, the application, a script or a shell.</summary>
    public static EntityTypeBuilder<T> IsAppendOnly<T>(this EntityTypeBuilder<T> builder) where T : class =>
        builder.HasAnnotation(AppendOnly, true);

    internal static bool Has(IModel? model, string table, string? schema, string annotation) =>
        model?.GetRelationalModel().FindTable(table, schema)?.EntityTypeMappings
            .Any(m => m.TypeBase is IEntityType entity && entity.FindAnnotation(annotation)?.Value is true) == true;
}

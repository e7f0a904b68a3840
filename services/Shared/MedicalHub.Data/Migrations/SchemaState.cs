using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Data.Migrations;

/// <summary>Remembers that this process has seen <typeparamref name="TContext"/>'s schema current, so readiness stops asking.</summary>
public sealed class SchemaState<TContext> where TContext : DbContext
{
    private volatile bool _current;

    public bool IsCurrent => _current;

    public void MarkCurrent() => _current = true;
}

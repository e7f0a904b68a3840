using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace MedicalHub.Data.Migrations;

public static class MigrationLock
{
    /// <summary>The PostgreSQL advisory lock key that guards a context's migrations: stable across processes and releases.</summary>
    public static long KeyFor(Type contextType) =>
        BinaryPrimitives.ReadInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes("medicalhub:migrate:" + contextType.FullName)));
}

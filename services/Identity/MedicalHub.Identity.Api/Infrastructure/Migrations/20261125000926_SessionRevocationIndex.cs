using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MedicalHub.Identity.Api.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class SessionRevocationIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_sessions_revoked_at",
                table: "sessions",
                column: "revoked_at",
                filter: "revoked_at IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_sessions_revoked_at",
                table: "sessions");
        }
    }
}

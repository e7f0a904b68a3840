using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MedicalHub.Content.Api.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class UnfiledBinaries : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_stored_objects_last_activity_at",
                table: "stored_objects");

            migrationBuilder.CreateIndex(
                name: "ix_stored_objects_state_last_activity_at",
                table: "stored_objects",
                columns: new[] { "state", "last_activity_at" },
                filter: "state <> 'Committed'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_stored_objects_state_last_activity_at",
                table: "stored_objects");

            migrationBuilder.CreateIndex(
                name: "ix_stored_objects_last_activity_at",
                table: "stored_objects",
                column: "last_activity_at",
                filter: "state = 'Staging'");
        }
    }
}

/** A database schema reduced to what the drift check compares. */
export interface ColumnShape {
  /** Normalised SQL type, e.g. "varchar(64)", "timestamptz(3)", "UnitTier[]". */
  type: string;
  nullable: boolean;
  hasDefault: boolean;
}

export interface IndexShape {
  columns: string[];
  unique: boolean;
}

export interface ForeignKeyShape {
  columns: string[];
  referencedTable: string;
  referencedColumns: string[];
  onDelete: string;
}

export interface TableShape {
  columns: Record<string, ColumnShape>;
  primaryKey: string[];
  /** By index name, primary key excluded. */
  indexes: Record<string, IndexShape>;
  /** By constraint name. */
  foreignKeys: Record<string, ForeignKeyShape>;
}

export interface SchemaShape {
  tables: Record<string, TableShape>;
  enums: Record<string, string[]>;
}

import type { Database, DbTransaction } from '@tablestack/db';

/** A photo row as the service uses it (keys, not URLs; dates as Date). */
export interface PhotoRow {
  id: string;
  restaurantId: string;
  originalKey: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  width: number | null;
  height: number | null;
  /** Storage keys by width, as the worker writes them. */
  thumbnails: Record<string, string>;
  status: 'UPLOADED' | 'PROCESSED' | 'FAILED';
  createdAt: Date;
  processedAt: Date | null;
}

const photoSelect = {
  id: true,
  restaurantId: true,
  originalKey: true,
  contentType: true,
  sizeBytes: true,
  sha256: true,
  width: true,
  height: true,
  thumbnails: true,
  status: true,
  createdAt: true,
  processedAt: true,
} as const;

export interface NewPhoto {
  id: string;
  restaurantId: string;
  originalKey: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
}

export class PhotoRepository {
  constructor(private readonly db: Pick<Database, 'primary'>) {}

  /** True when the restaurant exists, read on the primary (an admin may have just created it). */
  async restaurantExists(restaurantId: string): Promise<boolean> {
    const row = await this.db.primary().restaurant.findUnique({
      where: { id: restaurantId },
      select: { id: true },
    });
    return row !== null;
  }

  async create(tx: DbTransaction, photo: NewPhoto): Promise<PhotoRow> {
    const row = await tx.photo.create({ data: photo, select: photoSelect });
    return { ...row, thumbnails: row.thumbnails as Record<string, string> };
  }
}

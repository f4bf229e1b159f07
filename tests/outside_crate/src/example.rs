use jdbio::dio::{AlignedBuf, PAGE_SIZE};
use jdbio::dio::File;

async fn example() -> jdbio::dio::Result<()> {
  // Create file
  let file = File::create("/tmp/test.dat").await?;

  // Write page-aligned data
  let mut buf = AlignedBuf::zeroed(PAGE_SIZE)?;
  buf[0..5].copy_from_slice(b"hello");
  let (res, _buf) = file.write_at(buf, 0).await;
  res?;
  file.sync_data().await?;

  // Read back
  let buf = AlignedBuf::with_cap(PAGE_SIZE)?;
  let (res, buf) = file.read_at(buf, 0).await;
  res?;
  assert_eq!(&buf[0..5], b"hello");

  Ok(())
}

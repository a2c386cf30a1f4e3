package com.outageimpact.generate;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;

/**
 * The {@link World} as the generator broadcasts it: Java-serialized to bytes on the driver, and
 * deserialized once per executor JVM on first use.
 *
 * <p>Broadcasting the World itself ties it to the session's {@code spark.serializer}; under Kryo
 * (a common cluster default) it fails, because Kryo's field serializer cannot handle records
 * (Business, Timeline, the report model's surges). A byte array goes through any serializer, and
 * Java serialization handles records and every other field of the World.
 */
final class SharedWorld implements Serializable {

  private static final long serialVersionUID = 1L;

  private final byte[] bytes;
  private transient volatile World world;

  private SharedWorld(byte[] bytes, World world) {
    this.bytes = bytes;
    this.world = world;
  }

  static SharedWorld of(World world) {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(buffer)) {
      out.writeObject(world);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serialize the scenario's world", e);
    }
    return new SharedWorld(buffer.toByteArray(), world);
  }

  /** The world; deserialized from the bytes the first time in each JVM (the driver keeps its own). */
  World get() {
    World w = world;
    if (w == null) {
      synchronized (this) {
        w = world;
        if (w == null) {
          try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            w = (World) in.readObject();
          } catch (IOException e) {
            throw new UncheckedIOException("cannot deserialize the scenario's world", e);
          } catch (ClassNotFoundException e) {
            throw new IllegalStateException("cannot deserialize the scenario's world", e);
          }
          world = w;
        }
      }
    }
    return w;
  }
}

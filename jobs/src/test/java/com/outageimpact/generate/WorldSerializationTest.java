package com.outageimpact.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import java.nio.ByteBuffer;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.JavaSerializer;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.Serializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * What the generator broadcasts must survive the trip to an executor under either of Spark's
 * serializers. The World holds records, which Kryo's field serializer rejects; in local mode that
 * went unnoticed under the default Java serializer, and a cluster configured with Kryo would fail.
 */
class WorldSerializationTest {

  private static final ClassTag<SharedWorld> TAG = ClassTag$.MODULE$.apply(SharedWorld.class);

  @Test
  void theBroadcastWorldRoundTripsUnderKryoAndJavaSerialization() {
    World world = Scenario.build(ScenarioConfig.from(GenerateJob.options().parse(new String[] {
        "--out", "unused", "--businesses", "20", "--transactions", "1000"}))).world();
    SharedWorld shared = SharedWorld.of(world);
    for (Serializer serializer : new Serializer[] {
        new KryoSerializer(new SparkConf()), new JavaSerializer(new SparkConf())}) {
      SerializerInstance instance = serializer.newInstance();
      ByteBuffer bytes = instance.serialize(shared, TAG);
      World back = instance.deserialize(bytes, TAG).get();
      String name = serializer.getClass().getSimpleName();
      assertNotSame(world, back, name + ": a copy, as an executor gets it");
      assertEquals(world.businesses.length, back.businesses.length, name);
      for (int b = 0; b < world.businesses.length; b++) {
        assertEquals(world.businesses[b].id(), back.businesses[b].id(), name);
        assertArrayEquals(world.businesses[b].services(), back.businesses[b].services(), name);
        assertArrayEquals(world.businesses[b].shares(), back.businesses[b].shares(), name);
      }
      assertEquals(world.time, back.time, name);
      assertArrayEquals(world.services, back.services, name);
      assertArrayEquals(world.impactEnd, back.impactEnd, name);
      assertEquals(world.seed, back.seed, name);
      long t = world.time.t0() + 600;
      for (int s = 0; s < world.services.length; s++) {
        assertEquals(world.stateAt(s, t), back.stateAt(s, t), name + ": service " + world.services[s]);
      }
    }
  }
}
